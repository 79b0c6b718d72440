using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Small multi-subgraph and stateful models (IF, WHILE, CALL_ONCE, resource variables) written with
/// <see cref="TfliteModelBuilder"/>, for the example and operator tests.
/// </summary>
internal static class ControlFlowModels
{
    /// <summary>BuiltinOptions union types (schema.fbs).</summary>
    public const byte IfOptions = 92, WhileOptions = 93, CallOnceOptions = 103, VarHandleOptions = 111;

    /// <summary>IF's options: the then and else subgraphs.</summary>
    public static TfliteModelBuilder.Option[] IfBranches(int then, int otherwise) =>
        new[] { TfliteModelBuilder.Option.Int(0, then), TfliteModelBuilder.Option.Int(1, otherwise) };

    /// <summary>WHILE's options: the condition and body subgraphs.</summary>
    public static TfliteModelBuilder.Option[] WhileGraphs(int condition, int body) =>
        new[] { TfliteModelBuilder.Option.Int(0, condition), TfliteModelBuilder.Option.Int(1, body) };

    /// <summary>Adds a VAR_HANDLE of the variable <paramref name="sharedName"/>; returns its handle tensor.</summary>
    public static int VarHandle(TfliteModelBuilder b, string sharedName, string? container = null)
    {
        int handle = b.Tensor(sharedName + "_handle", TfliteType.Resource, new[] { 1 });
        var options = container is null
            ? new[] { TfliteModelBuilder.Option.String(1, sharedName) }
            : new[] { TfliteModelBuilder.Option.String(0, container), TfliteModelBuilder.Option.String(1, sharedName) };
        b.Operator(BuiltinOperator.VarHandle, System.Array.Empty<int>(), new[] { handle }, VarHandleOptions, null, options);
        return handle;
    }

    /// <summary>An init subgraph that assigns the constant <paramref name="value"/> (little-endian bytes) to the variable <paramref name="variable"/>.</summary>
    public static TfliteModelBuilder Initializer(string variable, TfliteType type, int length, byte[] value)
    {
        var init = new TfliteModelBuilder { Name = "init" };
        int handle = VarHandle(init, variable);
        int constant = init.Constant(variable + "_init", type, new[] { length }, value);
        return init.Operator(BuiltinOperator.AssignVariable, new[] { handle, constant }, System.Array.Empty<int>());
    }

    /// <summary>Adds <paramref name="init"/> as a subgraph of <paramref name="b"/> and a CALL_ONCE node that runs it.</summary>
    public static TfliteModelBuilder CallOnce(TfliteModelBuilder b, TfliteModelBuilder init) =>
        b.Operator(BuiltinOperator.CallOnce, System.Array.Empty<int>(), System.Array.Empty<int>(), CallOnceOptions, null, TfliteModelBuilder.Option.Int(0, b.Subgraph(init)));

    /// <summary>A subgraph that applies a binary operator to its two inputs: <c>y = a op b</c>.</summary>
    public static TfliteModelBuilder Binary(string name, int code, TfliteType type, int[] shape)
    {
        var g = new TfliteModelBuilder { Name = name };
        int a = g.Tensor("a", type, shape), b = g.Tensor("b", type, shape), y = g.Tensor("y", type, shape);
        return g.Operator(code, new[] { a, b }, new[] { y }).Inputs(a, b).Outputs(y);
    }

    /// <summary>A subgraph that passes its inputs through unchanged as its outputs (no operator).</summary>
    public static TfliteModelBuilder Passthrough(string name, params (TfliteType Type, int[] Shape)[] tensors)
    {
        var g = new TfliteModelBuilder { Name = name };
        int[] ids = tensors.Select((t, i) => g.Tensor("v" + i, t.Type, t.Shape)).ToArray();
        return g.Inputs(ids).Outputs(ids);
    }

    /// <summary>
    /// <c>y = cond ? then(a, b) : else(a, b)</c>: IF over two operands of <paramref name="type"/>, with the given branches
    /// (subgraphs 1 and 2).
    /// </summary>
    public static TfliteModelBuilder If(TfliteType type, int[] shape, TfliteModelBuilder then, TfliteModelBuilder otherwise)
    {
        var b = new TfliteModelBuilder();
        int condition = b.Tensor("condition", TfliteType.Bool, new[] { 1 });
        int x = b.Tensor("a", type, shape), z = b.Tensor("b", type, shape), y = b.Tensor("y", type, shape);
        int thenIndex = b.Subgraph(then), elseIndex = b.Subgraph(otherwise);
        return b.Operator(BuiltinOperator.If, new[] { condition, x, z }, new[] { y }, IfOptions, null, IfBranches(thenIndex, elseIndex))
            .Inputs(condition, x, z).Outputs(y);
    }

    /// <summary>
    /// A counting loop: <c>while (i &lt; limit) { i += 1; x = x + x; }</c> over an int32 counter and a float32 vector of
    /// <paramref name="length"/>, with <c>limit</c> a constant of the condition subgraph; the counter starts at the
    /// input <c>i</c>, or at the constant <paramref name="constantStart"/> when given.
    /// </summary>
    public static TfliteModelBuilder DoublingLoop(int limit, int length, int? constantStart = null)
    {
        var condition = new TfliteModelBuilder { Name = "cond" };
        int ci = condition.Tensor("i", TfliteType.Int32, new int[0]), cx = condition.Tensor("x", TfliteType.Float32, new[] { length });
        int climit = condition.Constant("limit", TfliteType.Int32, new int[0], Bytes(new[] { limit }));
        int more = condition.Tensor("more", TfliteType.Bool, new int[0]);
        condition.Operator(BuiltinOperator.Less, new[] { ci, climit }, new[] { more }).Inputs(ci, cx).Outputs(more);

        var body = new TfliteModelBuilder { Name = "body" };
        int bi = body.Tensor("i", TfliteType.Int32, new int[0]), bx = body.Tensor("x", TfliteType.Float32, new[] { length });
        int one = body.Constant("one", TfliteType.Int32, new int[0], Bytes(new[] { 1 }));
        int next = body.Tensor("i_next", TfliteType.Int32, new int[0]), doubled = body.Tensor("x_next", TfliteType.Float32, new[] { length });
        body.Operator(BuiltinOperator.Add, new[] { bi, one }, new[] { next })
            .Operator(BuiltinOperator.Add, new[] { bx, bx }, new[] { doubled })
            .Inputs(bi, bx).Outputs(next, doubled);

        var b = new TfliteModelBuilder();
        int i = constantStart is int value ? b.Constant("i", TfliteType.Int32, new int[0], Bytes(new[] { value })) : b.Tensor("i", TfliteType.Int32, new int[0]);
        int x = b.Tensor("x", TfliteType.Float32, new[] { length });
        int iOut = b.Tensor("i_out", TfliteType.Int32, new int[0]), xOut = b.Tensor("x_out", TfliteType.Float32, new[] { length });
        int conditionIndex = b.Subgraph(condition), bodyIndex = b.Subgraph(body);
        return b.Operator(BuiltinOperator.While, new[] { i, x }, new[] { iOut, xOut }, WhileOptions, null, WhileGraphs(conditionIndex, bodyIndex))
            .Inputs(constantStart is null ? new[] { i, x } : new[] { x }).Outputs(iOut, xOut);
    }

    /// <summary>
    /// An accumulator of <paramref name="type"/>[<paramref name="length"/>]: a CALL_ONCE init subgraph assigns
    /// <paramref name="initial"/> (little-endian bytes) to the variable 'acc'; each call reads it, adds the input, assigns
    /// the sum and outputs it.
    /// </summary>
    public static TfliteModelBuilder Accumulator(TfliteType type, int length, byte[] initial)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", type, new[] { length });
        CallOnce(b, Initializer("acc", type, length, initial));
        int handle = VarHandle(b, "acc");
        int read = b.Tensor("acc_read", type, new[] { length }), sum = b.Tensor("acc_sum", type, new[] { length });
        return b.Operator(BuiltinOperator.ReadVariable, new[] { handle }, new[] { read })
            .Operator(BuiltinOperator.Add, new[] { read, x }, new[] { sum })
            .Operator(BuiltinOperator.AssignVariable, new[] { handle, sum }, System.Array.Empty<int>())
            .Inputs(x).Outputs(sum);
    }

    /// <summary>The zero bytes of one element of a type, repeated <paramref name="count"/> times.</summary>
    public static byte[] Zeros(ElementType type, int count) => new byte[type.Size() * count];
}
