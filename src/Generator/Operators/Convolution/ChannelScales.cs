namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The scales a convolution's per-channel multipliers and exponents are derived from (TFLite's
/// <c>QuantizeMultiplier</c> of <c>input · filter[c] / output</c>, in double), and where the filter's scales lie in
/// the model file: a flavor that reads the file on the device can derive the pairs there instead of storing them.
/// </summary>
/// <param name="InputScale">The input's scale.</param>
/// <param name="OutputScale">The output's scale.</param>
/// <param name="FilterScaleOffset">The model file's byte offset of the filter's first scale (float32, little-endian, one per channel).</param>
/// <param name="Channels">The number of output channels, and of filter scales.</param>
internal sealed record ChannelScales(float InputScale, float OutputScale, int FilterScaleOffset, int Channels);
