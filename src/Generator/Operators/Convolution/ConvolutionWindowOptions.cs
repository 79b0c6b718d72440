using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>The window options CONV_2D and DEPTHWISE_CONV_2D both carry, at different field ids of their options tables.</summary>
internal sealed record ConvolutionWindowOptions(PaddingKind Padding, int StrideWidth, int StrideHeight, int DilationWidth, int DilationHeight, FusedActivation Activation)
{
    /// <summary>Reads the options from their field ids in the operator's options table (schema.fbs); absent dilations are 1.</summary>
    public static ConvolutionWindowOptions Read(FlatTable? options, int padding, int strideWidth, int strideHeight, int dilationWidth, int dilationHeight, int activation) => new(
        (PaddingKind)(options?.GetByte(padding) ?? 0),
        options?.GetInt(strideWidth) ?? 0,
        options?.GetInt(strideHeight) ?? 0,
        options?.GetInt(dilationWidth, 1) ?? 1,
        options?.GetInt(dilationHeight, 1) ?? 1,
        (FusedActivation)(options?.GetByte(activation) ?? 0));
}
