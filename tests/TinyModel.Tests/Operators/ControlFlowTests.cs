using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ControlFlowModels;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// IF, WHILE, CALL_ONCE and resource variables on cases the shared models do not reach, each checked against
/// plain C# that follows TFLM's kernels (if.cc, while.cc, call_once.cc, micro_resource_variable.cc); and the
/// diagnostics of control flow TinyModel cannot compile.
/// </summary>
public class ControlFlowTests
{
    private static readonly int[] Shape = { 2, 3 };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IfRunsTheChosenBranchWhoseOperatorsDiffer(bool condition)
    {
        // then: (a + b) * b in two layers; else: a - b in one.
        var then = new TfliteModelBuilder { Name = "then" };
        int ta = then.Tensor("a", TfliteType.Float32, Shape), tb = then.Tensor("b", TfliteType.Float32, Shape);
        int sum = then.Tensor("sum", TfliteType.Float32, Shape), product = then.Tensor("product", TfliteType.Float32, Shape);
        then.Operator(BuiltinOperator.Add, new[] { ta, tb }, new[] { sum }).Operator(BuiltinOperator.Mul, new[] { sum, tb }, new[] { product }).Inputs(ta, tb).Outputs(product);
        TfliteModelBuilder model = If(TfliteType.Float32, Shape, then, Binary("else", BuiltinOperator.Sub, TfliteType.Float32, Shape));

        var random = new Random(11);
        float[] a = RandomFloat(random, 6), b = RandomFloat(random, 6);
        float[] actual = Values<float>(Run(model, 24, new[] { condition ? (byte)1 : (byte)0 }, Bytes(a), Bytes(b)));
        float[] expected = a.Zip(b, (x, y) => condition ? (x + y) * y : x - y).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void TwoIfsShareTheirBranchesAndKeepTheFirstResultLiveAcrossTheSecond()
    {
        // y1 = c1 ? a + b : a * b; y2 = c2 ? y1 + b : y1 * b; out = y1 - y2, so y1 must survive the second IF's branch.
        var b = new TfliteModelBuilder();
        int c1 = b.Tensor("c1", TfliteType.Bool, new[] { 1 }), c2 = b.Tensor("c2", TfliteType.Bool, new[] { 1 });
        int a = b.Tensor("a", TfliteType.Int32, Shape), x = b.Tensor("b", TfliteType.Int32, Shape);
        int y1 = b.Tensor("y1", TfliteType.Int32, Shape), y2 = b.Tensor("y2", TfliteType.Int32, Shape), y = b.Tensor("y", TfliteType.Int32, Shape);
        int then = b.Subgraph(Binary("add", BuiltinOperator.Add, TfliteType.Int32, Shape)), otherwise = b.Subgraph(Binary("mul", BuiltinOperator.Mul, TfliteType.Int32, Shape));
        b.Operator(BuiltinOperator.If, new[] { c1, a, x }, new[] { y1 }, IfOptions, null, IfBranches(then, otherwise))
            .Operator(BuiltinOperator.If, new[] { c2, y1, x }, new[] { y2 }, IfOptions, null, IfBranches(then, otherwise))
            .Operator(BuiltinOperator.Sub, new[] { y1, y2 }, new[] { y })
            .Inputs(c1, c2, a, x).Outputs(y);
        ITinyModel model = InMemoryModel.Compile(b.Build()).Create();

        int[] left = { 1, -2, 3, 40, 5, -6 }, right = { 7, 8, -9, 1, 2, 3 };
        foreach ((bool first, bool second) in new[] { (true, true), (true, false), (false, true), (false, false) })
        {
            byte[] output = new byte[24];
            model.InvokeRaw(new[] { first ? (byte)1 : (byte)0, second ? (byte)1 : (byte)0 }.Concat(Bytes(left)).Concat(Bytes(right)).ToArray(), output);
            int[] expected = left.Zip(right, (p, q) =>
            {
                int r1 = first ? p + q : p * q;
                return r1 - (second ? r1 + q : r1 * q);
            }).ToArray();
            Assert.Equal(expected, Values<int>(output));
        }
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(2, 1)]
    [InlineData(3, 0)]
    [InlineData(7, 0)]
    public void WhileRunsItsBodyUntilTheConditionFailsAndZeroTimesWhenItFailsAtOnce(int start, int turns)
    {
        float[] x = { 0.5f, -1.25f, 3f, 1e-3f };
        byte[] output = Run(DoublingLoop(limit: 3, length: 4), 4 + 16, Bytes(new[] { start }), Bytes(x));
        Assert.Equal(Math.Max(start, 3), Values<int>(output.AsSpan(0, 4).ToArray())[0]);
        Assert.Equal(x.Select(v => v * (1 << turns)).ToArray(), Values<float>(output.AsSpan(4).ToArray()));
    }

    [Fact]
    public void AConstantLoopVariableStartsFromItsValueInTheModel()
    {
        float[] x = { 0.5f, -1.25f, 3f, 1e-3f };
        byte[] output = Run(DoublingLoop(limit: 3, length: 4, constantStart: 1), 4 + 16, Bytes(x));
        Assert.Equal(3, BitConverter.ToInt32(output, 0));
        Assert.Equal(x.Select(v => v * 4).ToArray(), Values<float>(output.AsSpan(4).ToArray()));
    }

    [Fact]
    public void WhileInsideAnIfBranchRunsWhenThatBranchIsTaken()
    {
        // then (subgraph 1): the doubling loop from i = 0 to 2; else (subgraph 2): passes its operands through.
        var then = new TfliteModelBuilder { Name = "loop" };
        int i = then.Tensor("i", TfliteType.Int32, new int[0]), v = then.Tensor("v", TfliteType.Float32, new[] { 4 });
        int iOut = then.Tensor("i_out", TfliteType.Int32, new int[0]), vOut = then.Tensor("v_out", TfliteType.Float32, new[] { 4 });
        then.Operator(BuiltinOperator.While, new[] { i, v }, new[] { iOut, vOut }, WhileOptions, null, WhileGraphs(3, 4)).Inputs(i, v).Outputs(iOut, vOut);
        TfliteModelBuilder loop = DoublingLoop(limit: 2, length: 4);

        var b = new TfliteModelBuilder();
        int condition = b.Tensor("condition", TfliteType.Bool, new[] { 1 });
        int start = b.Tensor("start", TfliteType.Int32, new int[0]), x = b.Tensor("x", TfliteType.Float32, new[] { 4 });
        int count = b.Tensor("count", TfliteType.Int32, new int[0]), y = b.Tensor("y", TfliteType.Float32, new[] { 4 });
        Assert.Equal(1, b.Subgraph(then));
        Assert.Equal(2, b.Subgraph(Passthrough("skip", (TfliteType.Int32, new int[0]), (TfliteType.Float32, new[] { 4 }))));
        Assert.Equal(3, b.Subgraph(SubgraphOf(loop, 1)));
        Assert.Equal(4, b.Subgraph(SubgraphOf(loop, 2)));
        b.Operator(BuiltinOperator.If, new[] { condition, start, x }, new[] { count, y }, IfOptions, null, IfBranches(1, 2)).Inputs(condition, start, x).Outputs(count, y);
        ITinyModel model = InMemoryModel.Compile(b.Build()).Create();

        float[] input = { 1f, -2f, 0.25f, 8f };
        foreach (bool taken in new[] { true, false })
        {
            byte[] output = new byte[20];
            model.InvokeRaw(new[] { taken ? (byte)1 : (byte)0 }.Concat(Bytes(new[] { 0 })).Concat(Bytes(input)).ToArray(), output);
            Assert.Equal(taken ? 2 : 0, BitConverter.ToInt32(output, 0));
            Assert.Equal(input.Select(value => taken ? value * 4 : value).ToArray(), Values<float>(output.AsSpan(4).ToArray()));
        }
    }

    [Fact]
    public void AVariableReadBeforeItsFirstAssignmentHoldsItsZeroPointAndResetStateRestoresIt()
    {
        // TFLM allocates the buffer when it prepares the first ASSIGN_VARIABLE and fills it with the low byte of that
        // value's zero point, so a READ_VARIABLE that runs first reads the zero point; each call then reads the last input.
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, new[] { 4 }, 0.5f, -3);
        int handle = VarHandle(b, "previous");
        int y = b.Tensor("y", TfliteType.Int8, new[] { 4 }, 0.5f, -3);
        b.Operator(BuiltinOperator.ReadVariable, new[] { handle }, new[] { y })
            .Operator(BuiltinOperator.AssignVariable, new[] { handle, x }, Array.Empty<int>())
            .Inputs(x).Outputs(y);
        ITinyModel model = InMemoryModel.Compile(b.Build()).Create();

        sbyte[] first = { 1, 2, 3, 4 }, second = { -5, 6, -7, 8 };
        byte[] output = new byte[4];
        model.InvokeRaw(Bytes(first), output);
        Assert.Equal(new sbyte[] { -3, -3, -3, -3 }, Values<sbyte>(output));
        model.InvokeRaw(Bytes(second), output);
        Assert.Equal(first, Values<sbyte>(output));
        model.ResetState();
        model.InvokeRaw(Bytes(second), output);
        Assert.Equal(new sbyte[] { -3, -3, -3, -3 }, Values<sbyte>(output));
    }

    [Fact]
    public void CallOnceRunsItsInitOnTheFirstCallAndAgainAfterResetState()
    {
        int[] initial = { 10, -20, 30, 1000 }, x = { 1, 2, -3, 4 };
        ITinyModel model = InMemoryModel.Compile(Accumulator(TfliteType.Int32, 4, Bytes(initial)).Build()).Create();
        byte[] output = new byte[16];
        int[] Step()
        {
            model.InvokeRaw(Bytes(x), output);
            return Values<int>(output);
        }

        Assert.Equal(initial.Zip(x, (a, v) => a + v).ToArray(), Step());
        Assert.Equal(initial.Zip(x, (a, v) => a + 2 * v).ToArray(), Step());
        Assert.Equal(initial.Zip(x, (a, v) => a + 3 * v).ToArray(), Step());
        model.ResetState();
        Assert.Equal(initial.Zip(x, (a, v) => a + v).ToArray(), Step());
    }

    [Fact]
    public void GeneratedCodeNamesEachSubgraphAndRunsItInAPrivateMethod()
    {
        string source = InMemoryModel.Compile(DoublingLoop(limit: 3, length: 4).Build()).GeneratedSource;
        Assert.Contains("private void RunSubgraph1()", source);
        Assert.Contains("private void RunSubgraph2()", source);
        Assert.Contains("RunSubgraph1(); // subgraph 1 'cond'", source);
        Assert.Contains("while (true)", source);
        Assert.Contains("Runs subgraph 2 'body' of the model, which WHILE node 0 calls", source);
    }

    [Fact]
    public void SubgraphsNothingCallsAreLeftOut()
    {
        ITinyModel model = InMemoryModel.Compile(SyntheticModels.FullyConnectedInt8().Build(subgraphs: 3)).Create();
        Assert.Single(model.Inputs);
    }

    [Fact]
    public void ASubgraphThatCallsItselfIsTM0006()
    {
        var init = new TfliteModelBuilder { Name = "again" };
        init.Operator(BuiltinOperator.CallOnce, Array.Empty<int>(), Array.Empty<int>(), CallOnceOptions, null, TfliteModelBuilder.Option.Int(0, 1));
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 2 }), y = b.Tensor("y", TfliteType.Float32, new[] { 2 });
        CallOnce(b, init)
            .Operator(BuiltinOperator.Add, new[] { x, x }, new[] { y }).Inputs(x).Outputs(y);
        AssertRejected(b, "TM0006", "node 0 (CALL_ONCE) of subgraph 1 calls subgraph 1", "subgraph 1 → subgraph 1", "static memory plan");
    }

    [Fact]
    public void TheMainGraphCallingItselfIsTM0006()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 2 }), y = b.Tensor("y", TfliteType.Float32, new[] { 2 });
        b.Operator(BuiltinOperator.Add, new[] { x, x }, new[] { y })
            .Operator(BuiltinOperator.CallOnce, Array.Empty<int>(), Array.Empty<int>(), CallOnceOptions, null, TfliteModelBuilder.Option.Int(0, 0))
            .Inputs(x).Outputs(y);
        AssertRejected(b, "TM0006", "node 1 (CALL_ONCE) of subgraph 0 calls subgraph 0", "recurse");
    }

    [Fact]
    public void ASubgraphIndexOutOfRangeIsTM0011()
    {
        var b = new TfliteModelBuilder();
        int condition = b.Tensor("condition", TfliteType.Bool, new[] { 1 });
        int x = b.Tensor("x", TfliteType.Float32, Shape), y = b.Tensor("y", TfliteType.Float32, Shape);
        b.Subgraph(Passthrough("same", (TfliteType.Float32, Shape)));
        b.Operator(BuiltinOperator.If, new[] { condition, x }, new[] { y }, IfOptions, null, IfBranches(1, 5)).Inputs(condition, x).Outputs(y);
        AssertRejected(b, "TM0011", "node 0 (IF) of subgraph 0 calls subgraph 5, but the model has 2 subgraphs (0 to 1)");
    }

    [Fact]
    public void AnIfWhoseBranchTakesOtherOperandsIsTM0007()
    {
        TfliteModelBuilder model = If(TfliteType.Float32, Shape, Binary("then", BuiltinOperator.Add, TfliteType.Float32, Shape), Binary("else", BuiltinOperator.Add, TfliteType.Float32, new[] { 3, 3 }));
        AssertRejected(model, "TM0007", "operator IF at node 0", "tensor 2 'b' (float32[2,3]) is copied to tensor 1 of subgraph 2 'else' 'b' (float32[3,3]), which differs in size");
    }

    [Fact]
    public void ALoopVariableThatChangesShapeIsTM0005()
    {
        var condition = new TfliteModelBuilder { Name = "cond" };
        int cx = condition.Tensor("x", TfliteType.Float32, new[] { 4 }), more = condition.Tensor("more", TfliteType.Bool, new int[0]);
        int zero = condition.Constant("zero", TfliteType.Float32, new int[0], Bytes(new[] { 0f }));
        int first = condition.Tensor("first", TfliteType.Float32, new int[0]);
        condition.Operator(BuiltinOperator.Sum, new[] { cx, condition.Constant("axis", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 0 })) }, new[] { first }, ReducerOptions)
            .Operator(BuiltinOperator.Less, new[] { first, zero }, new[] { more }).Inputs(cx).Outputs(more);
        var body = new TfliteModelBuilder { Name = "body" };
        int bx = body.Tensor("x", TfliteType.Float32, new[] { 4 }), wide = body.Tensor("wide", TfliteType.Float32, new[] { 2, 4 });
        int twos = body.Constant("twos", TfliteType.Float32, new[] { 2, 4 }, Bytes(Enumerable.Repeat(2f, 8).ToArray()));
        body.Operator(BuiltinOperator.Add, new[] { bx, twos }, new[] { wide }).Inputs(bx).Outputs(wide);

        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 4 }), y = b.Tensor("y", TfliteType.Float32, new[] { 4 });
        b.Operator(BuiltinOperator.While, new[] { x }, new[] { y }, WhileOptions, null, WhileGraphs(b.Subgraph(condition), b.Subgraph(body))).Inputs(x).Outputs(y);
        AssertRejected(b, "TM0005", "tensor 1 of subgraph 2 'body' 'wide'", "shape [2,4], copied into the WHILE loop variable 'y' of shape [4]");
    }

    [Fact]
    public void AResourceHandlePassedToAnotherSubgraphIsTM0006()
    {
        var then = new TfliteModelBuilder { Name = "reader" };
        int h = then.Tensor("handle", TfliteType.Resource, new[] { 1 }), value = then.Tensor("value", TfliteType.Float32, new[] { 2 });
        then.Operator(BuiltinOperator.ReadVariable, new[] { h }, new[] { value }).Inputs(h).Outputs(value);
        var b = new TfliteModelBuilder();
        int condition = b.Tensor("condition", TfliteType.Bool, new[] { 1 }), y = b.Tensor("y", TfliteType.Float32, new[] { 2 });
        int handle = VarHandle(b, "v");
        int branch = b.Subgraph(then);
        b.Operator(BuiltinOperator.If, new[] { condition, handle }, new[] { y }, IfOptions, null, IfBranches(branch, branch)).Inputs(condition).Outputs(y);
        AssertRejected(b, "TM0006", "resource handle, tensor 2 'v_handle'", "operand of node 1 (IF)");
    }

    [Fact]
    public void AVariableNothingAssignsIsTM0007()
    {
        var b = new TfliteModelBuilder();
        int handle = VarHandle(b, "never");
        int y = b.Tensor("y", TfliteType.Float32, new[] { 2 });
        b.Operator(BuiltinOperator.ReadVariable, new[] { handle }, new[] { y }).Outputs(y);
        AssertRejected(b, "TM0007", "operator READ_VARIABLE at node 1", "resource variable 'never' is never assigned");
    }

    [Fact]
    public void AnInconsistentCalledSubgraphIsTM0011NamingIt()
    {
        var broken = new TfliteModelBuilder { Name = "broken" };
        int a = broken.Tensor("a", TfliteType.Float32, Shape), ghost = broken.Tensor("ghost", TfliteType.Float32, Shape), y = broken.Tensor("y", TfliteType.Float32, Shape);
        broken.Operator(BuiltinOperator.Add, new[] { a, ghost }, new[] { y }).Inputs(a).Outputs(y);
        var b = new TfliteModelBuilder();
        int condition = b.Tensor("condition", TfliteType.Bool, new[] { 1 });
        int x = b.Tensor("x", TfliteType.Float32, Shape), output = b.Tensor("y", TfliteType.Float32, Shape);
        int branch = b.Subgraph(broken);
        b.Operator(BuiltinOperator.If, new[] { condition, x }, new[] { output }, IfOptions, null, IfBranches(branch, branch)).Inputs(condition, x).Outputs(output);
        AssertRejected(b, "TM0011", "in subgraph 1 'broken', node 0 (ADD) reads tensor 1 'ghost'");
    }

    [Fact]
    public void TheNanoFrameworkFlavorReportsControlFlowAsNotYetSupported()
    {
        var harness = new GeneratorHarness(new ModelInput("/project/loop.tflite", DoublingLoop(limit: 3, length: 4).Build(), Flavor: "NanoFramework"));
        var errors = harness.Run().Result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.All(errors, d => Assert.Equal("TM0021", d.Id));
        Assert.Contains(errors, d => d.GetMessage().Contains("operator WHILE at node 0 is not yet supported in the NanoFramework flavor", StringComparison.Ordinal));
    }

    /// <summary>One subgraph of a model written with the builder (its condition or body), as a builder of its own.</summary>
    private static TfliteModelBuilder SubgraphOf(TfliteModelBuilder model, int index) => model.AddedSubgraph(index);

    private static void AssertRejected(TfliteModelBuilder model, string id, params string[] parts)
    {
        string? error = CompileError(model);
        Assert.NotNull(error);
        Assert.Contains($"error {id}", error);
        foreach (string part in parts)
        {
            Assert.Contains(part, error);
        }
    }
}
