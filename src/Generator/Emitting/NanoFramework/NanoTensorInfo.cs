using TinyModel.Generator.Common;

namespace TinyModel.Generator.Emitting.NanoFramework;

/// <summary>
/// The tensor metadata class of the nanoFramework flavor, nested in each model's class: what
/// TinyModel.Runtime's <c>TensorInfo</c> is to the .NET flavor (name, element type, shape, quantization,
/// <c>Quantize</c>/<c>Dequantize</c>), without generics or <c>System.Math</c>.
/// </summary>
internal static class NanoTensorInfo
{
    public static void Write(SourceWriter writer)
    {
        foreach (string line in Source.Replace("\r", string.Empty).Trim('\n').Split('\n'))
        {
            if (line.Length == 0)
            {
                writer.WriteLine();
            }
            else
            {
                writer.WriteLine(line);
            }
        }
    }

    private const string Source = @"
/// <summary>Name, element type, shape and quantization of one of the model's input or output tensors.</summary>
public sealed class TensorInfo
{
    private readonly int _min;
    private readonly int _max;

    internal TensorInfo(string name, string elementType, int[] shape, float scale, int zeroPoint, int min, int max)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Scale = scale;
        ZeroPoint = zeroPoint;
        _min = min;
        _max = max;
    }

    /// <summary>The tensor's name in the model.</summary>
    public string Name { get; }

    /// <summary>The element type as TFLite names it: float32, int8, uint8, int16, int32, int64 or bool.</summary>
    public string ElementType { get; }

    /// <summary>The tensor's shape (NHWC for images).</summary>
    public int[] Shape { get; }

    /// <summary>The quantization scale (real = Scale · (q - ZeroPoint)), or 0 for a tensor that is not quantized.</summary>
    public float Scale { get; }

    /// <summary>The quantization zero point.</summary>
    public int ZeroPoint { get; }

    /// <summary>The number of elements: the product of the shape.</summary>
    public int ElementCount
    {
        get
        {
            int count = 1;
            for (int i = 0; i < Shape.Length; i++)
            {
                count *= Shape[i];
            }
            return count;
        }
    }

    /// <summary>The quantized value nearest to value (ties away from zero, as TFLite rounds), clamped to the element type.</summary>
    public int Quantize(float value)
    {
        if (Scale == 0f)
        {
            throw new global::System.InvalidOperationException(""The tensor '"" + Name + ""' is not quantized."");
        }
        float scaled = value / Scale;
        // Clamped as a float first: nanoFramework wraps out-of-range conversions.
        if (!(scaled + ZeroPoint > _min))
        {
            return _min;
        }
        if (scaled + ZeroPoint > _max)
        {
            return _max;
        }
        int q = (scaled >= 0f ? (int)(scaled + 0.5f) : -(int)(0.5f - scaled)) + ZeroPoint;
        return q < _min ? _min : q > _max ? _max : q;
    }

    /// <summary>The real value a quantized value stands for: Scale · (q - ZeroPoint).</summary>
    public float Dequantize(int value)
    {
        return Scale * (value - ZeroPoint);
    }
}
";
}
