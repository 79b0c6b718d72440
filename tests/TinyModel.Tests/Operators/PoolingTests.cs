using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// AVERAGE_POOL_2D and MAX_POOL_2D against naive loops written from TFLM's reference/pooling.h and
/// reference/integer_ops/pooling.h (window clipped to the image; integer averages rounded half away
/// from zero; fused activation as a clamp), for float32, int8 and int16, SAME and VALID padding,
/// strides and filters of several sizes, every fused activation and batches.
/// </summary>
public class PoolingTests
{
    public static TheoryData<TfliteType, bool, int[], int, int, int, int, byte, byte> Cases()
    {
        var data = new TheoryData<TfliteType, bool, int[], int, int, int, int, byte, byte>();
        // type, max, input shape, filter h, filter w, stride h, stride w, padding (0 SAME, 1 VALID), activation
        foreach (TfliteType type in new[] { TfliteType.Float32, TfliteType.Int8, TfliteType.Int16 })
        {
            foreach (bool max in new[] { false, true })
            {
                data.Add(type, max, new[] { 1, 5, 7, 3 }, 3, 3, 2, 2, 0, 0);
                data.Add(type, max, new[] { 2, 6, 5, 4 }, 2, 3, 1, 2, 1, 1);
                data.Add(type, max, new[] { 1, 4, 4, 2 }, 4, 4, 1, 1, 0, 3);
                data.Add(type, max, new[] { 1, 7, 6, 5 }, 3, 2, 3, 1, 0, 2);
                data.Add(type, max, new[] { 1, 3, 3, 8 }, 3, 3, 3, 3, 1, 0);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaivePooling(TfliteType type, bool isMax, int[] inShape, int filterH, int filterW, int strideH, int strideW, byte padding, byte activation)
    {
        int batches = inShape[0], inH = inShape[1], inW = inShape[2], depth = inShape[3];
        int outH = padding == 0 ? (inH + strideH - 1) / strideH : (inH + strideH - filterH) / strideH;
        int outW = padding == 0 ? (inW + strideW - 1) / strideW : (inW + strideW - filterW) / strideW;
        int padH = Math.Max(((outH - 1) * strideH + filterH - inH) / 2, 0);
        int padW = Math.Max(((outW - 1) * strideW + filterW - inW) / 2, 0);
        int[] outShape = { batches, outH, outW, depth };
        var random = new Random(inShape.Sum() * 7 + filterH);
        int n = Count(inShape);
        const float scale = 0.05f;
        int zeroPoint = type == TfliteType.Int8 ? -3 : 0;
        float[] floats = RandomFloat(random, n, 8f);
        sbyte[] int8 = RandomInt8(random, n);
        short[] int16 = RandomInt16(random, n);
        double Read(int i) => type switch { TfliteType.Float32 => floats[i], TfliteType.Int8 => int8[i], _ => int16[i] };

        // The fused activation's clamp: CalculateActivationRange(Quantized).
        (float lo, float hi) = activation switch { 1 => (0f, float.MaxValue), 2 => (-1f, 1f), 3 => (0f, 6f), _ => (float.MinValue, float.MaxValue) };
        int qmin = type == TfliteType.Int8 ? sbyte.MinValue : short.MinValue, qmax = type == TfliteType.Int8 ? sbyte.MaxValue : short.MaxValue;
        int Quantize(float v) => zeroPoint + (int)MathF.Round(v / scale, MidpointRounding.AwayFromZero);
        int actMin = activation == 0 ? qmin : Math.Max(qmin, Quantize(lo));
        int actMax = activation is 0 or 1 ? qmax : Math.Min(qmax, Quantize(hi));

        var expectedFloat = new float[Count(outShape)];
        var expectedInt = new int[Count(outShape)];
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int c = 0; c < depth; c++)
        {
            int y0 = oy * strideH - padH, x0 = ox * strideW - padW;
            float total = 0f, fmax = float.MinValue;
            int acc = 0, imax = int.MinValue, count = 0;
            for (int fy = 0; fy < filterH; fy++)
            for (int fx = 0; fx < filterW; fx++)
            {
                int y = y0 + fy, x = x0 + fx;
                if (y < 0 || y >= inH || x < 0 || x >= inW)
                {
                    continue;
                }
                int i = ((b * inH + y) * inW + x) * depth + c;
                total += (float)Read(i);
                fmax = Math.Max(fmax, (float)Read(i));
                acc += (int)Read(i);
                imax = Math.Max(imax, (int)Read(i));
                count++;
            }
            int o = ((b * outH + oy) * outW + ox) * depth + c;
            expectedFloat[o] = Math.Min(Math.Max(isMax ? fmax : total / count, lo), hi);
            int value = isMax ? imax : acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
            expectedInt[o] = Math.Min(Math.Max(value, actMin), actMax);
        }

        var builder = new TfliteModelBuilder();
        float? q = type == TfliteType.Float32 ? null : scale;
        int xt = builder.Tensor("x", type, inShape, q, zeroPoint);
        int yt = builder.Tensor("y", type, outShape, q, zeroPoint);
        builder.Operator(isMax ? MaxPool2D : AveragePool2D, new[] { xt }, new[] { yt }, Pool2DOptions, null,
                TfliteModelBuilder.Option.Byte(0, padding), TfliteModelBuilder.Option.Int(1, strideW), TfliteModelBuilder.Option.Int(2, strideH),
                TfliteModelBuilder.Option.Int(3, filterW), TfliteModelBuilder.Option.Int(4, filterH), TfliteModelBuilder.Option.Byte(5, activation))
            .Inputs(xt).Outputs(yt);
        int outCount = Count(outShape);
        switch (type)
        {
            case TfliteType.Float32:
                Assert.Equal(expectedFloat, Values<float>(Run(builder, outCount * 4, Bytes(floats))));
                break;
            case TfliteType.Int8:
                Assert.Equal(expectedInt.Select(v => (sbyte)v).ToArray(), Values<sbyte>(Run(builder, outCount, Bytes(int8))));
                break;
            default:
                Assert.Equal(expectedInt.Select(v => (short)v).ToArray(), Values<short>(Run(builder, outCount * 2, Bytes(int16))));
                break;
        }
    }

    [Fact]
    public void DifferentInputAndOutputQuantizationIsReported()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, new[] { 1, 2, 2, 1 }, 0.5f, 0);
        int y = b.Tensor("y", TfliteType.Int8, new[] { 1, 1, 1, 1 }, 0.25f, 0);
        b.Operator(AveragePool2D, new[] { x }, new[] { y }, Pool2DOptions, null,
                TfliteModelBuilder.Option.Byte(0, 1), TfliteModelBuilder.Option.Int(1, 2), TfliteModelBuilder.Option.Int(2, 2),
                TfliteModelBuilder.Option.Int(3, 2), TfliteModelBuilder.Option.Int(4, 2))
            .Inputs(x).Outputs(y);
        Assert.Contains("TFLM requires them equal", CompileError(b));
    }
}
