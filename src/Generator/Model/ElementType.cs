using System;

namespace TinyModel.Generator.Model;

/// <summary>The element types TinyModel compiles, with their C# and runtime names.</summary>
internal enum ElementType
{
    Float32,
    Int8,
    UInt8,
    Int16,
    Int32,
    Int64,
    Bool,
    // The unsigned wide types: only CAST and TFLM's signal operators (the audio front end) use them.
    UInt32,
    UInt64,
}

internal static class ElementTypeExtensions
{
    /// <summary>The C# keyword of the element type, such as <c>sbyte</c>.</summary>
    public static string CSharpName(this ElementType type) => type switch
    {
        ElementType.Float32 => "float",
        ElementType.Int8 => "sbyte",
        ElementType.UInt8 => "byte",
        ElementType.Int16 => "short",
        ElementType.Int32 => "int",
        ElementType.Int64 => "long",
        ElementType.Bool => "bool",
        ElementType.UInt32 => "uint",
        ElementType.UInt64 => "ulong",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The TFLite name of the type, as users see it in model viewers: <c>int8</c>, <c>float32</c>.</summary>
    public static string ModelName(this ElementType type) => type.ToString().ToLowerInvariant();

    /// <summary>The member of <c>TinyModel.TensorElementType</c> for the type.</summary>
    public static string RuntimeName(this ElementType type) => "global::TinyModel.TensorElementType." + type;

    public static int Size(this ElementType type) => type switch
    {
        ElementType.Float32 or ElementType.Int32 or ElementType.UInt32 => 4,
        ElementType.Int16 => 2,
        ElementType.Int64 or ElementType.UInt64 => 8,
        _ => 1,
    };

    /// <summary>The smallest value of an integer type (TFLite's <c>std::numeric_limits&lt;T&gt;::min()</c>).</summary>
    public static int MinValue(this ElementType type) => type switch
    {
        ElementType.Int8 => sbyte.MinValue,
        ElementType.UInt8 => byte.MinValue,
        ElementType.Int16 => short.MinValue,
        _ => int.MinValue,
    };

    public static int MaxValue(this ElementType type) => type switch
    {
        ElementType.Int8 => sbyte.MaxValue,
        ElementType.UInt8 => byte.MaxValue,
        ElementType.Int16 => short.MaxValue,
        _ => int.MaxValue,
    };
}
