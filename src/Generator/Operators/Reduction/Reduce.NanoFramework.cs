using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Reduction;

/// <summary>MEAN, SUM, REDUCE_MAX/MIN/ALL for nanoFramework: the .NET flavor's loops on arrays with offsets, the class's helpers for requantization.</summary>
internal sealed partial class Reduce
{
    /// <summary>
    /// The same loops for nanoFramework: arrays with the index of their first element, and the class's helpers
    /// for the requantization and clamps.
    /// </summary>
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, ReduceLayer layer, NanoEmitContext context)
    {
        string math = context.Helper(NanoHelper.FixedPoint);
        string zero = layer.Type switch
        {
            ElementType.Float32 => "0f",
            ElementType.Bool => "false",
            _ => "0",
        };
        WriteKernel(writer, layer, context.Model, context.Signature(layer), math, math, "inputOffset", "outputOffset",
            $"for (int i = 0; i < {context.Model.Value(layer.Outputs[0]).ElementCount}; i++) output[outputOffset + i] = {zero};", spanKernels: null);
    }
}
