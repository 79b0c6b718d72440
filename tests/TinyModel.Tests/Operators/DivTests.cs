using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// DIV beyond the opsets models: every fused activation, broadcast shapes, int32 truncation of negative
/// quotients, and int8 over every numerator including TFLM's saturation at ±1 and -2. Expected values:
/// transcriptions of TFLM's reference div.h (<see cref="TfliteReference.Int8DivUnclamped"/>).
/// </summary>
public class DivTests
{
    private const int Div = 42;
    private const byte DivOptions = 29;
    private static readonly Quant In1 = new(0.05f, -3), In2 = new(0.02f, 7), Out = new(0.3f, 4);

    private static Func<int, int, long> Int8(Quant q1, Quant q2, Quant qo, byte activation)
    {
        (int m, int s) = TfliteReference.QuantizeMultiplier((double)(q1.Scale / (q2.Scale * qo.Scale)));
        (int lo, int hi) = TfliteReference.QuantizedActivationRange(activation, qo.Scale, qo.ZeroPoint, -128, 127);
        return (x, y) => Math.Min(hi, Math.Max(lo, TfliteReference.Int8DivUnclamped(x - q1.ZeroPoint, y - q2.ZeroPoint, m, s, qo.ZeroPoint)));
    }

    /// <summary>Random values with every zero replaced, so that no element divides by zero.</summary>
    private static int[] NonZero(int[] values, int zero) => values.Select(v => v == zero ? zero + 1 : v).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Float32EveryActivation(byte activation)
    {
        (float lo, float hi) = TfliteReference.FloatActivationRange(activation);
        new BinaryCase(Div, TfliteType.Float32, new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, OptionsType: DivOptions, Activation: activation)
            .AssertFloat((x, y) => Math.Min(Math.Max(x / y, lo), hi));
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 4, 1 }, new[] { 1, 4 }, new[] { 4, 4 })]
    [InlineData(new[] { 2, 1, 3, 1, 2 }, new[] { 1, 2, 1, 2, 1 }, new[] { 2, 2, 3, 2, 2 })]
    public void Int32TruncatesTowardZeroWithBroadcasting(int[] shape1, int[] shape2, int[] output)
    {
        var test = new BinaryCase(Div, TfliteType.Int32, shape1, shape2, output, OptionsType: DivOptions);
        test = test with { Input2 = NonZero(test.Input2.Select(v => v / 1000).ToArray(), 0) };
        test.AssertInteger((x, y) => x / y);
    }

    /// <summary>
    /// A run long enough for the vector kernel (int32 divided in doubles): C++'s truncation toward zero at the int32
    /// bounds and for negative quotients, by hand; then TFLM's undefined cases, which its x86 build traps on and the
    /// layer throws for: a zero divisor and <c>int.MinValue / −1</c>.
    /// </summary>
    [Fact]
    public void Int32LongRunTruncatesAndThrowsWhereTflmTraps()
    {
        int[] x = { 7, -7, 7, -7, int.MinValue, int.MaxValue, int.MinValue, -2147483647, 1, -1, 0, 1999999999 };
        int[] y = { 2, 2, -2, -2, 1, -1, int.MaxValue, int.MinValue, int.MinValue, 3, -5, 1000000000 };
        int[] expected = { 3, -3, -3, 3, int.MinValue, -int.MaxValue, -1, 0, 0, 0, 0, 1 };
        int repeat = 4;
        int[] inputs1 = Enumerable.Repeat(x, repeat).SelectMany(v => v).ToArray(), inputs2 = Enumerable.Repeat(y, repeat).SelectMany(v => v).ToArray();
        var test = new BinaryCase(Div, TfliteType.Int32, new[] { inputs1.Length }, new[] { inputs1.Length }, new[] { inputs1.Length }, OptionsType: DivOptions)
        {
            Input1 = inputs1,
            Input2 = inputs2,
        };
        ITinyModel model = ElementwiseTestModels.Compile(test.Model());
        Assert.Equal(Enumerable.Repeat(expected, repeat).SelectMany(v => v), ElementwiseTestModels.Values<int>(ElementwiseTestModels.Run(model, ElementwiseTestModels.Bytes(inputs1), ElementwiseTestModels.Bytes(inputs2))));
        inputs2[30] = 0;
        Assert.Throws<DivideByZeroException>(() => ElementwiseTestModels.Run(model, ElementwiseTestModels.Bytes(inputs1), ElementwiseTestModels.Bytes(inputs2)));
        inputs2[30] = -1;
        inputs1[30] = int.MinValue;
        Assert.Throws<OverflowException>(() => ElementwiseTestModels.Run(model, ElementwiseTestModels.Bytes(inputs1), ElementwiseTestModels.Bytes(inputs2)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Int8EveryNumeratorAndActivation(byte activation)
    {
        // Every int8 numerator against a spread of denominators: n = ±1 and -2 saturate as in TFLM.
        var test = new BinaryCase(Div, TfliteType.Int8, new[] { 256, 1 }, new[] { 1, 5 }, new[] { 256, 5 }, In1, In2, Out, DivOptions, activation)
        {
            Input1 = Enumerable.Range(-128, 256).ToArray(),
            Input2 = new[] { -128, -20, 3, 8, 127 },
        };
        test.AssertInteger(Int8(In1, In2, Out, activation));
    }

    [Fact]
    public void Int8SaturatesWhereTflmDoes()
    {
        (int m, int s) = TfliteReference.QuantizeMultiplier((double)(In1.Scale / (In2.Scale * Out.Scale)));
        // n = ±1 over d = 120: TFLM's final shift is 32 bits and the quotient saturates, where real arithmetic gives the zero point.
        Assert.Equal(127, Math.Clamp(TfliteReference.Int8DivUnclamped(1, 120, m, s, Out.ZeroPoint), -128, 127));
        Assert.Equal(-128, Math.Clamp(TfliteReference.Int8DivUnclamped(-1, 120, m, s, Out.ZeroPoint), -128, 127));
        var test = new BinaryCase(Div, TfliteType.Int8, new[] { 3 }, new[] { 3 }, new[] { 3 }, In1, In2, Out, DivOptions)
        {
            Input1 = new[] { In1.ZeroPoint + 1, In1.ZeroPoint - 1, In1.ZeroPoint - 2 },
            Input2 = new[] { In2.ZeroPoint + 120, In2.ZeroPoint + 120, In2.ZeroPoint + 120 },
        };
        test.AssertInteger(Int8(In1, In2, Out, 0));
    }

    [Fact]
    public void Int8ConstantDivisor() =>
        new BinaryCase(Div, TfliteType.Int8, new[] { 4, 8 }, new[] { 8 }, new[] { 4, 8 }, In1, In2, Out, DivOptions, Constant2: true)
        {
            Input2 = new[] { -100, -50, -1, 6, 8, 9, 60, 120 },
        }.AssertInteger(Int8(In1, In2, Out, 0));
}
