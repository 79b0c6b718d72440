using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// MEAN against a naive reference written from TFLM's reduce_common.cc and reference/reduce.h: float
/// sums in input order divided by the count; int8/int16, whether or not input and output share their
/// quantization, (sum - zero point · count) requantized by QuantizeMultiplier(input scale / output
/// scale) with 1/count folded in (TFLM's EvalIntegerMean always takes QuantizedMeanOrSum; mobilenet_v2's
/// golden outputs confirm it). Axes may be negative or repeated; keep_dims on and off.
/// </summary>
public class MeanTests
{
    public static TheoryData<TfliteType, int[], int[], bool, bool> Cases()
    {
        var data = new TheoryData<TfliteType, int[], int[], bool, bool>();
        // type, input shape, axes, keep_dims, requantize
        foreach (TfliteType type in new[] { TfliteType.Float32, TfliteType.Int8, TfliteType.Int16 })
        {
            foreach (bool requantize in type == TfliteType.Float32 ? new[] { false } : new[] { false, true })
            {
                data.Add(type, new[] { 1, 7, 7, 16 }, new[] { 1, 2 }, true, requantize);
                data.Add(type, new[] { 2, 3, 4, 5 }, new[] { -1, 1 }, false, requantize);
                data.Add(type, new[] { 2, 3, 4 }, new[] { 0, 0, 2 }, true, requantize);
                data.Add(type, new[] { 3, 5 }, new[] { 0 }, false, requantize);
                data.Add(type, new[] { 2, 3, 2, 2, 3 }, new[] { 4, 0, 2 }, false, requantize);
                // Three groups of reduced axes: the kernels' table of block offsets, the innermost axis kept (columns) or reduced (runs).
                data.Add(type, new[] { 2, 3, 4, 2, 3, 20 }, new[] { 0, 2, 4 }, false, requantize);
                data.Add(type, new[] { 3, 2, 2, 3, 2, 21 }, new[] { 1, 3, 5 }, true, requantize);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveMean(TfliteType type, int[] shape, int[] axes, bool keepDims, bool requantize)
    {
        int rank = shape.Length;
        bool[] reduced = new bool[rank];
        foreach (int a in axes)
        {
            reduced[a < 0 ? a + rank : a] = true;
        }
        int[] outShape = keepDims
            ? shape.Select((d, i) => reduced[i] ? 1 : d).ToArray()
            : shape.Where((_, i) => !reduced[i]).ToArray();
        int count = shape.Where((_, i) => reduced[i]).Aggregate(1, (x, y) => x * y);
        int n = Count(shape), outCount = Count(outShape);
        var random = new Random(n + axes.Length);
        float[] floats = RandomFloat(random, n, 3f);
        sbyte[] int8 = RandomInt8(random, n);
        short[] int16 = RandomInt16(random, n);
        float inScale = 0.07f, outScale = requantize ? 0.031f : inScale;
        int inZero = type == TfliteType.Int8 ? 5 : 0, outZero = type == TfliteType.Int8 && requantize ? -9 : inZero;

        // Sums in input memory order into the output position that drops the reduced coordinates.
        int[] strides = Strides(shape);
        var floatSums = new float[outCount];
        var intSums = new int[outCount];
        for (int i = 0; i < n; i++)
        {
            int o = 0;
            for (int d = 0; d < rank; d++)
            {
                if (!reduced[d])
                {
                    o = o * shape[d] + i / strides[d] % shape[d];
                }
            }
            floatSums[o] += floats[i];
            intSums[o] += type == TfliteType.Int8 ? int8[i] : int16[i];
        }

        var b = new TfliteModelBuilder();
        float? qIn = type == TfliteType.Float32 ? null : inScale, qOut = type == TfliteType.Float32 ? null : outScale;
        int x = b.Tensor("x", type, shape, qIn, inZero);
        int axis = b.Constant("axis", TfliteType.Int32, new[] { axes.Length }, Bytes(axes));
        int y = b.Tensor("y", type, outShape, qOut, outZero);
        b.Operator(Mean, new[] { x, axis }, new[] { y }, ReducerOptions, null, TfliteModelBuilder.Option.Bool(0, keepDims)).Inputs(x).Outputs(y);

        if (type == TfliteType.Float32)
        {
            Assert.Equal(floatSums.Select(s => s / count).ToArray(), Values<float>(Run(b, outCount * 4, Bytes(floats))));
            return;
        }
        int[] expected;
        {
            (int multiplier, int shift) = QuantizeMultiplier((double)inScale / outScale);
            int bits = Math.Min(Math.Min(63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)count), 32), 31 + shift);
            multiplier = (int)(((long)multiplier << bits) / count);
            shift -= bits;
            int qmin = type == TfliteType.Int8 ? -128 : -32768, qmax = type == TfliteType.Int8 ? 127 : 32767;
            expected = intSums.Select(s => Math.Clamp(TfliteReference.MultiplyByQuantizedMultiplier(s - inZero * count, multiplier, shift) + outZero, qmin, qmax)).ToArray();
        }
        if (type == TfliteType.Int8)
        {
            Assert.Equal(expected.Select(v => (sbyte)v).ToArray(), Values<sbyte>(Run(b, outCount, Bytes(int8))));
        }
        else
        {
            Assert.Equal(expected.Select(v => (short)v).ToArray(), Values<short>(Run(b, outCount * 2, Bytes(int16))));
        }
    }

    /// <summary>TFLite's QuantizeMultiplier: a Q0.31 significand (rounded half away from zero) and a power-of-two exponent.</summary>
    internal static (int Multiplier, int Shift) QuantizeMultiplier(double real)
    {
        int shift = Math.ILogB(real) + 1;
        long q = (long)Math.Round(Math.ScaleB(real, -shift) * (1L << 31), MidpointRounding.AwayFromZero);
        if (q == 1L << 31)
        {
            q /= 2;
            shift++;
        }
        return ((int)q, shift);
    }
}
