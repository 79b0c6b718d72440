using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// Padding fused into the convolution that reads it (DESIGN: "fuse what TFLite leaves separate"): an int8 PAD of the
/// rows and columns alone, with the zero point, whose output only a CONV_2D or DEPTHWISE_CONV_2D reads, becomes part of
/// that convolution's window. The convolution reads the PAD's input and skips the padded taps, as TFLite skips its own
/// padding; a padded value is the zero point, which adds <c>(zeroPoint − zeroPoint) · w = 0</c> to the sum, so the result
/// is TFLM's bit for bit. The padded tensor is never written: no copy of the image, no arena space for it.
/// </summary>
internal sealed class PaddingFusion
{
    private readonly Dictionary<int, FusedPadding> _byConvolution = new();
    private readonly HashSet<int> _fusedPads = new();

    private PaddingFusion()
    {
    }

    /// <summary>Finds the PAD nodes of the graph that fuse into their convolution.</summary>
    public static PaddingFusion Find(LoweringContext context)
    {
        var fusion = new PaddingFusion();
        TfliteSubgraph graph = context.Graph;
        // One subgraph only: a tensor read across subgraphs is copied in and out, not read by one node.
        if (context.Layout is { Entries.Count: > 1 })
        {
            return fusion;
        }
        var readers = new Dictionary<int, List<TfliteOperator>>();
        foreach (TfliteOperator op in graph.Operators)
        {
            foreach (int input in op.Inputs.Where(i => i >= 0).Distinct())
            {
                if (!readers.TryGetValue(input, out List<TfliteOperator>? list))
                {
                    readers[input] = list = new List<TfliteOperator>();
                }
                list.Add(op);
            }
        }
        foreach (TfliteOperator pad in graph.Operators)
        {
            if (context.Model.OperatorCodes[pad.OpcodeIndex].BuiltinCode != BuiltinOperator.Pad || pad.Inputs.Count != 2 || pad.Outputs.Count != 1)
            {
                continue;
            }
            int source = pad.Inputs[0], padded = pad.Outputs[0];
            if (graph.Outputs.Contains(padded) || graph.Inputs.Contains(padded)
                || !readers.TryGetValue(padded, out List<TfliteOperator>? consumers) || consumers.Count != 1)
            {
                continue;
            }
            TfliteOperator convolution = consumers[0];
            int code = context.Model.OperatorCodes[convolution.OpcodeIndex].BuiltinCode;
            if (code is not (BuiltinOperator.Conv2D or BuiltinOperator.DepthwiseConv2D) || convolution.Inputs.Count < 2
                || convolution.Inputs[0] != padded || convolution.Inputs.Skip(1).Contains(padded) || fusion._byConvolution.ContainsKey(convolution.Index))
            {
                continue;
            }
            if (Fuses(context, source, padded, pad.Inputs[1]) is { } amounts)
            {
                fusion._byConvolution[convolution.Index] = new FusedPadding(pad.Index, source, amounts[2], amounts[3], amounts[4], amounts[5]);
                fusion._fusedPads.Add(pad.Index);
            }
        }
        return fusion;
    }

    /// <summary>Whether node <paramref name="pad"/> is a PAD that a convolution computes itself (it lowers to no layer).</summary>
    public bool IsFused(int pad) => _fusedPads.Contains(pad);

    /// <summary>The padding the convolution at node <paramref name="convolution"/> takes over, if any.</summary>
    public FusedPadding? Of(int convolution) => _byConvolution.TryGetValue(convolution, out FusedPadding? padding) ? padding : null;

    /// <summary>
    /// The paddings (before and after each of the 4 dimensions) when the PAD is fusable: int8 NHWC data, constant paddings of
    /// the rows and columns alone, the same scale and zero point in and out (the pad value is then the input's zero point).
    /// </summary>
    private static int[]? Fuses(LoweringContext context, int source, int padded, int paddingsTensor)
    {
        if (context.ElementTypeOf(source) != ElementType.Int8 || context.ElementTypeOf(padded) != ElementType.Int8)
        {
            return null;
        }
        TfliteTensor input = context.Tensor(source), output = context.Tensor(padded);
        QuantizationSpec? inQuantization = context.QuantizationOf(source), outQuantization = context.QuantizationOf(padded);
        if (input.Shape.Count != 4 || output.Shape.Count != 4 || inQuantization is null || inQuantization != outQuantization
            || input.Quantization!.Scale.Count != 1 || output.Quantization!.Scale.Count != 1)
        {
            return null;
        }
        int[]? paddings = ShapeMath.IntegerConstant(context, paddingsTensor);
        if (paddings is not { Length: 8 } || paddings.Any(p => p < 0) || paddings[0] != 0 || paddings[1] != 0 || paddings[6] != 0 || paddings[7] != 0)
        {
            return null;
        }
        for (int d = 0; d < 4; d++)
        {
            if (output.Shape[d] != input.Shape[d] + paddings[2 * d] + paddings[2 * d + 1])
            {
                return null;
            }
        }
        return paddings;
    }
}

/// <summary>A PAD fused into the convolution that reads it: the tensor it pads and the rows and columns it adds.</summary>
/// <param name="PadNode">The PAD node, which lowers to no layer.</param>
/// <param name="Source">The tensor the PAD pads, which the convolution reads instead.</param>
internal sealed record FusedPadding(int PadNode, int Source, int Top, int Bottom, int Left, int Right);
