using TinyModel.Generator.Common;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Model.Layers;

/// <summary>The arithmetic of an <see cref="AddSubLayer"/>.</summary>
internal enum BinaryOperation
{
    Add,
    Sub,
}

/// <summary>
/// One input of a binary elementwise layer: a run-time tensor, a constant array or a single constant
/// folded into a literal, with its element stride along each of the layer's (merged) output dimensions.
/// </summary>
/// <param name="Position">The input's position among the layer's run-time inputs, or -1 for a constant.</param>
/// <param name="Constant">The name of the constant holding the input, or null.</param>
/// <param name="Literal">The C# literal of a single-element constant input (rescaled for quantized layers), or null.</param>
/// <param name="Strides">The element stride along each output dimension; 0 where the input is broadcast.</param>
/// <param name="Prescaled">For quantized layers: the constant holds the input already rescaled at build time
/// (offset, shifted left and multiplied), as int32, rather than the quantized values.</param>
/// <param name="RescaleTable">For a run-time int8 input of a quantized layer: the constant holding the rescaled value of
/// each of the 256 possible inputs, which the kernel looks up instead of rescaling.</param>
internal sealed record ElementwiseOperand(int Position, string? Constant, string? Literal, EquatableArray<int> Strides, bool Prescaled = false, string? RescaleTable = null)
{
    public bool IsRunTime => Position >= 0;
}

/// <summary>
/// TFLM's rescaling of quantized ADD and SUB (add_common.cc, sub_common.cc): both inputs are offset,
/// shifted left by <see cref="LeftShift"/> and scaled to a common scale, added or subtracted in int32,
/// and the result scaled to the output. Every multiplier here is a Q0.31 fraction below one with a
/// right shift (<c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>).
/// </summary>
internal sealed record AddSubRequantization(
    int LeftShift,
    int Input1Offset,
    int Input1Multiplier,
    int Input1Shift,
    int Input2Offset,
    int Input2Multiplier,
    int Input2Shift,
    int OutputOffset,
    int OutputMultiplier,
    int OutputShift);

/// <summary>
/// ADD or SUB of two tensors with NumPy broadcasting: <c>output = act(input1 ± input2)</c>, walked over
/// the output's dimensions after merging the runs that both inputs traverse alike.
/// </summary>
/// <param name="Type">float32, int32 (no quantization), int8 or int16.</param>
/// <param name="Dims">The merged output dimensions, outermost first (one dimension when nothing broadcasts).</param>
/// <param name="Left">The first input.</param>
/// <param name="Right">The second input.</param>
/// <param name="Requantization">The rescaling of quantized layers, null for float32 and int32.</param>
/// <param name="Activation">The output clamp (integer bounds for int32 and quantized layers).</param>
internal sealed record AddSubLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    BinaryOperation Operation,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right,
    AddSubRequantization? Requantization,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, Operation == BinaryOperation.Add ? "ADD" : "SUB", Inputs, Outputs)
{
    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int d in Dims)
            {
                count *= d;
            }
            return count;
        }
    }

    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>
    /// Either run-time input: the kernel reads both operands of element <c>i</c> before writing it, and
    /// an input the size of the output is read at the output's own index (broadcast inputs are smaller).
    /// </remarks>
    public override EquatableArray<int> InPlaceInputs => Inputs.Count == 2 ? ElementwiseInPlace.BothInputs : ElementwiseInPlace.FirstInput;
}
