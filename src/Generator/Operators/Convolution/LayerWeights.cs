using System.Collections.Immutable;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The weights of this family's layers, from the model to the kernel. Lowering keeps them as the model
/// stores them and the emitter of the flavor that reads them lays them out and adds them as constant data
/// (issue 11): the .NET flavor may pack them for its SIMD kernels where another flavor reads them plain,
/// and the lowered layers are the same for both.
/// </summary>
internal static class LayerWeights
{
    /// <summary>A constant tensor's bytes, in the model's own layout, for a layer to carry.</summary>
    public static EquatableArray<byte> FromModel(LoweringContext context, int tensorIndex) =>
        new(ImmutableArray.Create(context.ConstantBytes(tensorIndex).ToArray()));

    /// <summary>The weights' element type for activations of <paramref name="activationType"/>: float32 for float32, int8 for the integer kernels.</summary>
    public static ElementType TypeFor(ElementType activationType) => activationType == ElementType.Float32 ? ElementType.Float32 : ElementType.Int8;

    /// <summary>Adds <paramref name="layer"/>'s weights, laid out as this flavor's kernel reads them, and returns the constant's name.</summary>
    public static string AddConstant(EmitContextBase context, LayerSpec layer, ElementType type, byte[] data, string description, ConstantPacking? packing = null) =>
        context.AddConstant($"Layer{layer.NodeIndex}Weights", type, data, description, packing);
}
