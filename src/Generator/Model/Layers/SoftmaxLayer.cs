using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>The three SOFTMAX kernels of TFLM.</summary>
internal enum SoftmaxKernel
{
    /// <summary>float32: exp((x - max) · beta), normalized by the row's sum.</summary>
    Float,
    /// <summary>int8 input, int8 or int16 output: gemmlowp's fixed-point exp (a table here) and reciprocal.</summary>
    Int8,
    /// <summary>int16 input and output: TFLM's interpolated exp and 1 / (1 + x) tables.</summary>
    Int16,
}

/// <summary>
/// SOFTMAX over the last dimension: <c>output[r, c] = exp(beta · input[r, c]) / Σ_c' exp(beta · input[r, c'])</c>,
/// for <see cref="Rows"/> rows of <see cref="Depth"/> values.
/// </summary>
/// <param name="Beta">The softmax's beta (float kernel).</param>
/// <param name="ExpTable">
/// int8 kernel: exp(beta · scale · d) in Q0.31 for each input difference d = 0, -1, ..., -255 to the row's
/// maximum (index -d), zero below TFLM's <c>diff_min</c>. int16 kernel: the exp table (513 entries).
/// </param>
/// <param name="ExpSumTable">int8 kernel: the same exponentials rescaled to Q12.19, the terms of the row's sum.</param>
/// <param name="ReciprocalTable">int16 kernel: the 1 / (1 + x) table (513 entries).</param>
/// <param name="OutputBits">int8 kernel: 8 or 16, the output's width.</param>
/// <param name="InputMultiplier">int16 kernel: the multiplier that maps input differences onto [-10, 0] in steps of 10/65535.</param>
/// <param name="InputShift">int16 kernel: its exponent.</param>
internal sealed record SoftmaxLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    SoftmaxKernel Kernel,
    int Rows,
    int Depth,
    float Beta,
    string? ExpTable,
    string? ExpSumTable,
    string? ReciprocalTable,
    int OutputBits,
    int InputMultiplier,
    int InputShift,
    int DiffMin)
    : LayerSpec(NodeIndex, "SOFTMAX", Inputs, Outputs)
{
    public override long MacCount => (long)Rows * Depth;
}
