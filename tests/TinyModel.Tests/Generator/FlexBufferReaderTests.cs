using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using TinyModel.Tests.Operators;
using TinyModel.Tests.Operators.Examples;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// The FlexBuffer reader of custom operators' options: it decodes what TFLite writes, and on any corrupt or
/// hostile buffer (truncated, mutated, random) it returns an error instead of throwing or reading outside
/// the bytes; a corrupt map in a model is a TM0002 diagnostic naming the node.
/// </summary>
public class FlexBufferReaderTests
{
    private static readonly (string Key, long Value, bool IsBool)[] Entries =
    {
        ("smoothing", 655, false), ("clamping", 1, true), ("shift", -12, false), ("num_channels", 40, false), ("big", 1L << 40, false),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void ReadsTheSortedMapAtEveryWidth(int width)
    {
        var entries = width == 8 ? Entries : Entries.Where(e => e.Key != "big").ToArray();
        if (width == 1)
        {
            entries = entries.Select(e => e.Key == "smoothing" ? (e.Key, 65L, e.IsBool) : e).ToArray();
        }
        IReadOnlyList<FlexValue>? map = FlexBufferReader.ReadMap(FlexBufferWriter.Map(entries, width), out string? error);
        Assert.Null(error);
        Assert.NotNull(map);
        var expected = entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(e => e.Key), map.Select(v => v.Key));
        Assert.Equal(expected.Select(e => e.Value), map.Select(v => v.Integer));
        Assert.Equal(expected.Select(e => e.IsBool ? "bool" : "int"), map.Select(v => v.TypeName));
    }

    [Fact]
    public void EveryTruncationIsAnErrorOrAMapNeverAnException()
    {
        byte[] valid = SignalExamples.SpectralSubtractionOptions(40);
        for (int length = 0; length < valid.Length; length++)
        {
            // A prefix drops the root: it must be refused, not read past its end.
            Assert.Null(FlexBufferReader.ReadMap(valid.AsSpan(0, length), out string? error));
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void MutatedBuffersNeverThrow()
    {
        var random = new Random(13);
        byte[] valid = SignalExamples.SpectralSubtractionOptions(40);
        int refused = 0;
        for (int round = 0; round < 20000; round++)
        {
            byte[] mutated = (byte[])valid.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }
            if (FlexBufferReader.ReadMap(mutated, out string? error) is null)
            {
                Assert.False(string.IsNullOrEmpty(error));
                refused++;
            }
        }
        Assert.True(refused > 0, "no mutation was refused: the checks are not exercised");
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(7);
        for (int round = 0; round < 20000; round++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 2)
            {
                // Often a plausible root: a map type and a valid width.
                bytes[^1] = (byte)(1 << random.Next(4));
                bytes[^2] = (byte)((9 << 2) | random.Next(4));
            }
            _ = FlexBufferReader.ReadMap(bytes, out _);
        }
    }

    [Fact]
    public void ARootThatIsNotAMapIsRefused()
    {
        byte[] scalar = { 42, 1 << 2, 1 }; // the int 42 as the root
        Assert.Null(FlexBufferReader.ReadMap(scalar, out string? error));
        Assert.Contains("not a map", error);
    }

    [Fact]
    public void CorruptCustomOptionsAreTm0002NamingTheNode()
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.Int16, new[] { 8 });
        int output = b.Tensor("y", TfliteType.Int16, new[] { 10 });
        b.CustomOperator("SignalRfft", new[] { input }, new[] { output }, new byte[] { 1, 2, 3, 4, 0x24, 9 }).Inputs(input).Outputs(output);
        Diagnostic[] diagnostics = ElementwiseTestModels.Diagnostics(b);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal("TM0002", diagnostic.Id);
        Assert.Contains("node 0 (CUSTOM(SignalRfft))", diagnostic.GetMessage());
    }

    [Fact]
    public void AnOptionAtTheWrongPositionIsNamed()
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.Int16, new[] { 8 });
        int output = b.Tensor("y", TfliteType.Int16, new[] { 10 });
        b.CustomOperator("SignalRfft", new[] { input }, new[] { output }, FlexBufferWriter.Ints(("fft_length", 8))).Inputs(input).Outputs(output);
        Diagnostic[] diagnostics = ElementwiseTestModels.Diagnostics(b);
        Assert.All(diagnostics, d => Assert.Equal("TM0007", d.Id));
        Assert.Contains("TFLM reads option 'T' at position 0 of the custom options map, which holds 'fft_length'", diagnostics[0].GetMessage());
    }

    [Fact]
    public void AnUnknownCustomOperatorIsTm0003()
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.Int16, new[] { 8 });
        int output = b.Tensor("y", TfliteType.Int16, new[] { 8 });
        b.CustomOperator("SignalFramer", new[] { input }, new[] { output }, FlexBufferWriter.Ints()).Inputs(input).Outputs(output);
        Diagnostic diagnostic = Assert.Single(ElementwiseTestModels.Diagnostics(b));
        Assert.Equal("TM0003", diagnostic.Id);
        Assert.Contains("CUSTOM(SignalFramer)", diagnostic.GetMessage());
    }
}
