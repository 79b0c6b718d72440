namespace TinyModel;

/// <summary>The element type of a model's tensor, as TensorFlow Lite stores it.</summary>
public enum TensorElementType
{
    /// <summary>32-bit IEEE float (<see cref="float"/>).</summary>
    Float32,
    /// <summary>Signed 8-bit integer (<see cref="sbyte"/>), usually quantized.</summary>
    Int8,
    /// <summary>Unsigned 8-bit integer (<see cref="byte"/>), usually quantized.</summary>
    UInt8,
    /// <summary>Signed 16-bit integer (<see cref="short"/>), usually quantized.</summary>
    Int16,
    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32,
    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64,
    /// <summary>Boolean (<see cref="bool"/>), one byte per element.</summary>
    Bool,
    /// <summary>Unsigned 32-bit integer (<see cref="uint"/>), as TFLM's signal operators use it.</summary>
    UInt32,
    /// <summary>Unsigned 64-bit integer (<see cref="ulong"/>), as TFLM's signal operators use it.</summary>
    UInt64,
}
