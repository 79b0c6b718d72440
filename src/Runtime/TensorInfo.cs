using System;
using System.Collections.Generic;
using System.Globalization;

namespace TinyModel;

/// <summary>
/// Describes one input or output tensor of a compiled model: its name in the model, element type,
/// shape (NHWC for images) and affine quantization, so that a caller can prepare inputs and read
/// outputs without opening the model file.
/// </summary>
/// <remarks>
/// For a quantized tensor a real value <c>r</c> and its stored value <c>q</c> relate as
/// <c>r = Scale * (q - ZeroPoint)</c>. A tensor that is not quantized has <see cref="IsQuantized"/>
/// false, <see cref="Scale"/> 0 and <see cref="ZeroPoint"/> 0.
/// </remarks>
public sealed class TensorInfo
{
    private readonly int[] _shape;

    /// <summary>Creates the description of a tensor. Generated code calls this once per tensor.</summary>
    /// <param name="name">The tensor's name in the model.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The dimensions, outermost first; copied.</param>
    /// <param name="scale">The quantization scale, or 0 for a tensor that is not quantized.</param>
    /// <param name="zeroPoint">The quantization zero point.</param>
    public TensorInfo(string name, TensorElementType elementType, int[] shape, float scale = 0f, int zeroPoint = 0)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        ElementType = elementType;
        _shape = (int[])(shape ?? throw new ArgumentNullException(nameof(shape))).Clone();
        Scale = scale;
        ZeroPoint = zeroPoint;
        int count = 1;
        foreach (int dim in _shape)
        {
            count = checked(count * dim);
        }
        ElementCount = count;
    }

    /// <summary>The tensor's name in the model.</summary>
    public string Name { get; }

    /// <summary>The element type of the tensor.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions of the tensor, outermost first (NHWC for images).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of elements: the product of <see cref="Shape"/>; the span length Invoke expects.</summary>
    public int ElementCount { get; }

    /// <summary>The size of one element in bytes.</summary>
    public int ElementSize => ElementType switch
    {
        TensorElementType.Float32 or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Int16 => 2,
        TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        _ => 1,
    };

    /// <summary>The size of the whole tensor in bytes.</summary>
    public int ByteCount => ElementCount * ElementSize;

    /// <summary>Whether the tensor carries affine quantization parameters.</summary>
    public bool IsQuantized => Scale != 0f;

    /// <summary>The quantization scale (0 when the tensor is not quantized).</summary>
    public float Scale { get; }

    /// <summary>The quantization zero point (0 when the tensor is not quantized).</summary>
    public int ZeroPoint { get; }

    /// <summary>
    /// Quantizes a real value into this tensor's integer domain the way TensorFlow Lite does:
    /// <c>round(value / Scale) + ZeroPoint</c>, rounding half away from zero, clamped to the element type's range.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is not quantized.</exception>
    public int Quantize(float value)
    {
        if (!IsQuantized)
        {
            throw new InvalidOperationException($"Tensor '{Name}' is not quantized; it holds {ElementType} values directly.");
        }
        double q = Math.Round(value / Scale, MidpointRounding.AwayFromZero) + ZeroPoint;
        (int min, int max) = ElementType switch
        {
            TensorElementType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
            TensorElementType.UInt8 => (byte.MinValue, byte.MaxValue),
            TensorElementType.Int16 => (short.MinValue, short.MaxValue),
            _ => (int.MinValue, int.MaxValue),
        };
        return (int)Math.Clamp(q, min, max);
    }

    /// <summary>Dequantizes a stored value into a real value: <c>Scale * (quantized - ZeroPoint)</c>.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not quantized.</exception>
    public float Dequantize(int quantized)
    {
        if (!IsQuantized)
        {
            throw new InvalidOperationException($"Tensor '{Name}' is not quantized; it holds {ElementType} values directly.");
        }
        return Scale * (quantized - ZeroPoint);
    }

    /// <summary>A one-line description, such as <c>input int8[1,96,96,1] scale=0.0039 zp=-128</c>.</summary>
    public override string ToString()
    {
        string text = $"{Name} {ElementType.ToString().ToLowerInvariant()}[{string.Join(",", _shape)}]";
        return IsQuantized
            ? text + string.Format(CultureInfo.InvariantCulture, " scale={0} zp={1}", Scale, ZeroPoint)
            : text;
    }
}
