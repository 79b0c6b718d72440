using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The operands of a CONV_2D or DEPTHWISE_CONV_2D, checked as TensorFlow Lite Micro's conv_common.cc and
/// depthwise_conv_common.cc expect them: 4-D tensors, a constant filter and bias. Their types were checked
/// before lowering (<see cref="WeightedKernelTypes"/>), so the inputs are (input, filter[, bias]) and one output.
/// Where a PAD before the convolution is fused into it (<see cref="PaddingFusion"/>), the input is the PAD's input and
/// <see cref="Padding"/> the rows and columns the window adds.
/// </summary>
internal sealed record ConvolutionOperands(
    int Input,
    int Filter,
    int Bias,
    int Output,
    ValueSpec InputValue,
    ValueSpec OutputValue,
    TfliteTensor FilterTensor,
    ElementType? BiasType,
    FusedPadding? Padding)
{
    /// <summary>Reads and checks the operands (constant data, 4-D shapes, no empty tensor); reports and returns null on failure.</summary>
    public static ConvolutionOperands? Read(LoweringContext context, TfliteOperator op)
    {
        FusedPadding? padding = context.FusedPadding.Of(op.Index);
        int input = padding?.Source ?? op.Inputs[0], filter = op.Inputs[1], output = op.Outputs[0];
        int bias = op.Inputs.Count > 2 ? op.Inputs[2] : -1;
        if (!context.IsConstant(filter))
        {
            context.ReportUnsupported(op, "the filter is computed at run time; TinyModel compiles convolutions with a constant filter");
            return null;
        }
        if (bias >= 0 && !context.IsConstant(bias))
        {
            context.ReportUnsupported(op, "the bias is computed at run time; TinyModel compiles convolutions with a constant bias");
            return null;
        }

        ValueSpec inputValue = context.Value(input);
        ValueSpec outputValue = context.Value(output);
        TfliteTensor filterTensor = context.Tensor(filter);
        if (inputValue.Shape.Count != 4 || filterTensor.Shape.Count != 4 || outputValue.Shape.Count != 4)
        {
            context.ReportUnsupported(op, $"the input {inputValue.ShapeText}, filter [{string.Join(",", filterTensor.Shape)}] and output {outputValue.ShapeText} must all be 4-D (NHWC)");
            return null;
        }
        if (inputValue.Shape.Concat(filterTensor.Shape).Concat(outputValue.Shape).Any(d => d <= 0))
        {
            context.ReportUnsupported(op, $"a tensor is empty: input {inputValue.ShapeText}, filter [{string.Join(",", filterTensor.Shape)}], output {outputValue.ShapeText}");
            return null;
        }
        return new ConvolutionOperands(input, filter, bias, output, inputValue, outputValue, filterTensor, bias >= 0 ? context.ElementTypeOf(bias) : null, padding);
    }

    /// <summary>
    /// Adds the float32 or integer bias as a constant of its own type (<paramref name="name"/> is null when
    /// the operator has none); reports and returns false when it does not hold one value per channel.
    /// </summary>
    public bool TryAddBias(LoweringContext context, TfliteOperator op, string prefix, int channels, out string? name)
    {
        name = null;
        if (Bias < 0)
        {
            return true;
        }
        ElementType type = BiasType!.Value;
        int count = context.ConstantBytes(Bias).Length / type.Size();
        if (count != channels)
        {
            context.ReportUnsupported(op, $"the bias has {count} values for {channels} output channels");
            return false;
        }
        name = context.AddConstant(prefix + "Bias", type, context.ConstantBytes(Bias).ToArray(), $"bias, {type.ModelName()}[{channels}]");
        return true;
    }
}
