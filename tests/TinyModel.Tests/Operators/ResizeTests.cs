using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR against references written from TFLM's
/// reference/resize_bilinear.h (float and integer paths) and reference/resize_nearest_neighbor.h, for the
/// cases the shared models leave out: several batches, shrinking, a single output row or column (where
/// align_corners falls back to the plain scale), and half-pixel positions before the first pixel.
/// </summary>
public class ResizeTests
{
    private const int Bilinear = 23, NearestNeighbor = 97;

    public static TheoryData<int[], int, int, bool, bool> Cases => new()
    {
        { new[] { 2, 3, 4, 2 }, 7, 5, false, false },
        { new[] { 2, 3, 4, 2 }, 7, 5, true, false },
        { new[] { 2, 3, 4, 2 }, 7, 5, false, true },
        { new[] { 1, 6, 9, 3 }, 4, 2, false, true },
        { new[] { 1, 6, 9, 3 }, 1, 1, true, false },
        { new[] { 1, 5, 5, 1 }, 2, 3, true, false },
        { new[] { 3, 1, 2, 4 }, 3, 7, false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BilinearFloatMatchesTflm(int[] shape, int height, int width, bool alignCorners, bool halfPixelCenters)
    {
        float[] input = RandomFloat(new Random(height * 31 + width), Count(shape));
        float[] expected = BilinearReference(input, shape, height, width, alignCorners, halfPixelCenters);
        float[] actual = Values<float>(Run(Model(Bilinear, TfliteType.Float32, shape, height, width, alignCorners, halfPixelCenters), expected.Length * 4, Bytes(input)));
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BilinearInt8MatchesTflm(int[] shape, int height, int width, bool alignCorners, bool halfPixelCenters)
    {
        sbyte[] input = RandomInt8(new Random(height * 17 + width), Count(shape));
        sbyte[] expected = BilinearIntegerReference(input, shape, height, width, alignCorners, halfPixelCenters);
        sbyte[] actual = Values<sbyte>(Run(Model(Bilinear, TfliteType.Int8, shape, height, width, alignCorners, halfPixelCenters), expected.Length, Bytes(input)));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NearestNeighborMatchesTflm(int[] shape, int height, int width, bool alignCorners, bool halfPixelCenters)
    {
        short[] input = RandomInt16(new Random(height * 13 + width), Count(shape));
        int channels = shape[3];
        var expected = new short[shape[0] * height * width * channels];
        int o = 0;
        for (int b = 0; b < shape[0]; b++)
        {
            for (int y = 0; y < height; y++)
            {
                int inY = Nearest(y, shape[1], height, alignCorners, halfPixelCenters);
                for (int x = 0; x < width; x++)
                {
                    int inX = Nearest(x, shape[2], width, alignCorners, halfPixelCenters);
                    Array.Copy(input, ((b * shape[1] + inY) * shape[2] + inX) * channels, expected, o, channels);
                    o += channels;
                }
            }
        }
        short[] actual = Values<short>(Run(Model(NearestNeighbor, TfliteType.Int16, shape, height, width, alignCorners, halfPixelCenters), expected.Length * 2, Bytes(input)));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void BilinearWithBothOptionsIsAnError()
    {
        string? error = CompileError(Model(Bilinear, TfliteType.Float32, new[] { 1, 2, 2, 1 }, 3, 3, true, true));
        Assert.NotNull(error);
        Assert.Contains("half_pixel_centers", error);
    }

    private static TfliteModelBuilder Model(int code, TfliteType type, int[] shape, int height, int width, bool alignCorners, bool halfPixelCenters)
    {
        var b = new TfliteModelBuilder();
        float? scale = type == TfliteType.Float32 ? null : 0.05f;
        int x = b.Tensor("x", type, shape, scale, 0);
        int size = b.Constant("size", TfliteType.Int32, new[] { 2 }, Bytes(new[] { height, width }));
        int y = b.Tensor("y", type, new[] { shape[0], height, width, shape[3] }, scale, 0);
        (int align, int half, byte options) = code == Bilinear ? (2, 3, (byte)15) : (0, 1, (byte)74);
        return b.Operator(code, new[] { x, size }, new[] { y }, options, null,
            TfliteModelBuilder.Option.Bool(align, alignCorners), TfliteModelBuilder.Option.Bool(half, halfPixelCenters)).Inputs(x).Outputs(y);
    }

    // reference_ops::GetNearestNeighbor.
    private static int Nearest(int value, int inputSize, int outputSize, bool alignCorners, bool halfPixelCenters)
    {
        float scale = alignCorners && outputSize > 1 ? (inputSize - 1) / (float)(outputSize - 1) : inputSize / (float)outputSize;
        float offset = halfPixelCenters ? 0.5f : 0f;
        float position = (value + offset) * scale;
        int result = Math.Min(alignCorners ? (int)MathF.Round(position, MidpointRounding.AwayFromZero) : (int)MathF.Floor(position), inputSize - 1);
        return halfPixelCenters ? Math.Max(0, result) : result;
    }

    // reference_ops::ResizeBilinear<float> with ComputeInterpolationValues.
    private static float[] BilinearReference(float[] input, int[] shape, int height, int width, bool alignCorners, bool halfPixelCenters)
    {
        int batches = shape[0], inH = shape[1], inW = shape[2], depth = shape[3];
        float heightScale = alignCorners && height > 1 ? (inH - 1) / (float)(height - 1) : inH / (float)height;
        float widthScale = alignCorners && width > 1 ? (inW - 1) / (float)(width - 1) : inW / (float)width;
        var output = new float[batches * height * width * depth];
        void Interpolate(float value, float scale, int size, out float scaled, out int lower, out int upper)
        {
            scaled = halfPixelCenters ? (value + 0.5f) * scale - 0.5f : value * scale;
            lower = Math.Max((int)MathF.Floor(scaled), 0);
            upper = Math.Min((int)MathF.Ceiling(scaled), size - 1);
        }
        float At(int b, int y, int x, int c) => input[((b * inH + y) * inW + x) * depth + c];
        for (int b = 0; b < batches; b++)
        {
            for (int y = 0; y < height; y++)
            {
                Interpolate(y, heightScale, inH, out float inY, out int y0, out int y1);
                for (int x = 0; x < width; x++)
                {
                    Interpolate(x, widthScale, inW, out float inX, out int x0, out int x1);
                    for (int c = 0; c < depth; c++)
                    {
                        float v = At(b, y0, x0, c) * (1 - (inY - y0)) * (1 - (inX - x0))
                            + At(b, y1, x0, c) * (inY - y0) * (1 - (inX - x0))
                            + At(b, y0, x1, c) * (1 - (inY - y0)) * (inX - x0)
                            + At(b, y1, x1, c) * (inY - y0) * (inX - x0)
                            + 0f;
                        output[((b * height + y) * width + x) * depth + c] = v;
                    }
                }
            }
        }
        return output;
    }

    // reference_ops::ResizeBilinearInteger<int8_t> with ComputeInterpolationValuesInteger, without single rounding.
    private static sbyte[] BilinearIntegerReference(sbyte[] input, int[] shape, int height, int width, bool alignCorners, bool halfPixelCenters)
    {
        int batches = shape[0], inH = shape[1], inW = shape[2], depth = shape[3];
        int heightScale = ((1 << 10) * inH + height / 2) / height;
        int widthScale = ((1 << 10) * inW + width / 2) / width;
        if (alignCorners && height > 1)
        {
            heightScale = ((1 << 10) * (inH - 1) + (height - 1) / 2) / (height - 1);
        }
        if (alignCorners && width > 1)
        {
            widthScale = ((1 << 10) * (inW - 1) + (width - 1) / 2) / (width - 1);
        }
        void Interpolate(int value, int scale, int size, out int scaled, out int lower, out int upper)
        {
            scaled = halfPixelCenters ? value * scale + scale / 2 - (1 << 9) : value * scale;
            lower = Math.Max(scaled / (1 << 10), 0);
            upper = Math.Min((scaled + (1 << 10) - 1) / (1 << 10), size - 1);
        }
        long At(int b, int y, int x, int c) => input[((b * inH + y) * inW + x) * depth + c];
        var output = new sbyte[batches * height * width * depth];
        for (int b = 0; b < batches; b++)
        {
            for (int y = 0; y < height; y++)
            {
                Interpolate(y, heightScale, inH, out int inY, out int y0, out int y1);
                for (int x = 0; x < width; x++)
                {
                    Interpolate(x, widthScale, inW, out int inX, out int x0, out int x1);
                    for (int c = 0; c < depth; c++)
                    {
                        long sum = At(b, y0, x0, c) * ((1 << 10) - (inY - (1 << 10) * y0)) * ((1 << 10) - (inX - (1 << 10) * x0))
                            + At(b, y1, x0, c) * (inY - (1 << 10) * y0) * ((1 << 10) - (inX - (1 << 10) * x0))
                            + At(b, y0, x1, c) * ((1 << 10) - (inY - (1 << 10) * y0)) * (inX - (1 << 10) * x0)
                            + At(b, y1, x1, c) * (inY - (1 << 10) * y0) * (inX - (1 << 10) * x0);
                        long round = sum > 0 ? 1 << 19 : -(1 << 19);
                        output[((b * height + y) * width + x) * depth + c] = unchecked((sbyte)((sum + round) / (1 << 20)));
                    }
                }
            }
        }
        return output;
    }
}
