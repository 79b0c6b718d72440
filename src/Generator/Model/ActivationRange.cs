using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Model;

/// <summary>
/// The clamp a fused activation becomes: integer bounds for quantized outputs (TFLite's
/// <c>CalculateActivationRangeQuantized</c>), float bounds for float outputs.
/// </summary>
internal sealed record ActivationRange(FusedActivation Activation, int QuantizedMin, int QuantizedMax, float FloatMin, float FloatMax);
