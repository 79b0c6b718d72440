using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model;

/// <summary>Where the memory of a run-time tensor lives.</summary>
internal enum StorageKind
{
    /// <summary>The caller's input span (<c>Offset</c> is the input's position).</summary>
    Input,
    /// <summary>The caller's output span (<c>Offset</c> is the output's position).</summary>
    Output,
    /// <summary>The instance's arena (<c>Offset</c> is the byte offset).</summary>
    Arena,
}

/// <summary>Per-tensor affine quantization of an activation: <c>real = Scale * (q - ZeroPoint)</c>.</summary>
internal sealed record QuantizationSpec(float Scale, int ZeroPoint);

/// <summary>
/// A tensor computed at run time: a model input, output or intermediate result. The planner fills
/// in <see cref="Storage"/> and <see cref="Offset"/>.
/// </summary>
/// <param name="Id">The tensor's index in the model's subgraph.</param>
/// <param name="IsVariable">
/// A variable tensor (the state of SVDF or LSTM layers): it keeps its value from one call to the next,
/// so the planner gives it arena space of its own for the instance's whole life.
/// </param>
/// <param name="ResetFill">The byte state starts from and is reset to when it is not TFLM's default for variable tensors.</param>
internal sealed record ValueSpec(
    int Id,
    string Name,
    ElementType Type,
    EquatableArray<int> Shape,
    QuantizationSpec? Quantization,
    StorageKind Storage = StorageKind.Arena,
    int Offset = 0,
    bool IsVariable = false,
    byte? ResetFill = null)
{
    /// <summary>
    /// The byte a variable tensor starts from and is reset to: TFLM fills int8 state with its zero
    /// point and every other type with zeros (MicroGraph::ResetVariableTensors), unless the state says
    /// otherwise (<see cref="ResetFill"/>: a resource variable's buffer, which TFLM fills with its zero point's low byte).
    /// </summary>
    public byte ResetByte => ResetFill ?? (Type == ElementType.Int8 && Quantization is { } q ? unchecked((byte)(sbyte)q.ZeroPoint) : (byte)0);

    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int dim in Shape)
            {
                count *= dim;
            }
            return count;
        }
    }

    public int ByteCount => ElementCount * Type.Size();

    /// <summary>The shape as TFLite tools print it, such as <c>[1,96,96,1]</c>.</summary>
    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    /// <summary>A short description for generated comments: <c>int8[1,16] (scale 0.0039, zero point -128)</c>.</summary>
    public string Describe() => Type.ModelName() + ShapeText + (Quantization is { } q
        ? $" (scale {Literals.FloatText(q.Scale)}, zero point {q.ZeroPoint})"
        : string.Empty);
}
