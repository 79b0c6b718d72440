using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// The flatbuffer verifier on large files: Google.FlatBuffers' own verifier, past 32 KB into a file,
/// printed an OverflowException to the compiler's standard output and took every field as absent, so a
/// truncated large model slipped past it. Ours must reject every cut of a large model as TM0002 and
/// write nothing to the console.
/// </summary>
[Collection(TinyModel.Tests.Fuzzing.ConsoleCollection.Name)]
public class FlatBufferVerifierTests
{
    [Theory]
    [InlineData("person_detect")]
    [InlineData("mobilenet_v2_quantized_1x3x224x224")]
    [InlineData("ad01_fp32")]
    public void LargeModelCompilesAndPrintsNothing(string name)
    {
        (string printed, Diagnostic[] diagnostics) = RunCapturingConsole(SharedData.ModelBytes(name));
        Assert.Equal(string.Empty, printed);
        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData(40_000)]
    [InlineData(100_000)]
    [InlineData(200_000)]
    [InlineData(299_000)]
    public void LargeModelCutShortIsTM0002AndPrintsNothing(int length)
    {
        byte[] model = SharedData.ModelBytes("person_detect");
        Assert.True(model.Length > length);
        (string printed, Diagnostic[] diagnostics) = RunCapturingConsole(model.AsSpan(0, length).ToArray());
        Assert.Equal(string.Empty, printed);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal("TM0002", diagnostic.Id);
    }

    /// <summary>Runs the generator on a model; returns what it wrote to the console and its diagnostics.</summary>
    private static (string Printed, Diagnostic[] Diagnostics) RunCapturingConsole(byte[] model)
    {
        TextWriter console = Console.Out;
        var captured = new StringWriter();
        try
        {
            Console.SetOut(captured);
            var harness = new GeneratorHarness(new ModelInput("/project/model.tflite", model));
            GeneratorDriverRunResult result = harness.Run().Result;
            Assert.Null(result.Results.Single().Exception);
            return (captured.ToString(), result.Diagnostics.ToArray());
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    [Fact]
    public void TableWhoseVtableListsAFieldPastItsEndIsTM0002()
    {
        // hello_world_int8 with the first operator's options table claiming a field far past its end:
        // found by locating the FullyConnectedOptions vtable (its fused activation field) and growing the offset.
        byte[] model = SharedData.ModelBytes("hello_world_int8");
        byte[] damaged = DamageFirstOptionsVtable(model);
        var harness = new GeneratorHarness(new ModelInput("/project/model.tflite", damaged));
        GeneratorDriverRunResult result = harness.Run().Result;
        Assert.Null(result.Results.Single().Exception);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("TM0002", diagnostic.Id);
    }

    /// <summary>Sets the last field entry of the first operator's builtin-options vtable to 0xFFF0.</summary>
    private static byte[] DamageFirstOptionsVtable(byte[] model)
    {
        byte[] bytes = (byte[])model.Clone();
        int root = Int(bytes, 0);
        int subgraphs = Indirect(bytes, root, 2);
        int graph = Indirect(bytes, subgraphs + 4, -1);
        int operators = Indirect(bytes, graph, 3);
        int op = Indirect(bytes, operators + 4, -1);
        int options = Indirect(bytes, op, 4);
        int vtable = options - Int(bytes, options);
        int vtableSize = bytes[vtable] | (bytes[vtable + 1] << 8);
        Assert.True(vtableSize > 4, "the options table has no fields to damage");
        bytes[vtable + vtableSize - 2] = 0xF0;
        bytes[vtable + vtableSize - 1] = 0xFF;
        return bytes;
    }

    /// <summary>The target of the offset in field <paramref name="field"/> of the table at <paramref name="table"/> (or at <paramref name="table"/> itself when field is -1).</summary>
    private static int Indirect(byte[] bytes, int table, int field)
    {
        int position = table;
        if (field >= 0)
        {
            int vtable = table - Int(bytes, table);
            position = table + (bytes[vtable + 4 + 2 * field] | (bytes[vtable + 5 + 2 * field] << 8));
        }
        return position + Int(bytes, position);
    }

    private static int Int(byte[] bytes, int position) => BitConverter.ToInt32(bytes, position);
}
