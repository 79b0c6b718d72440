using TinyModel.Generator.Common;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Elementwise;

/// <summary>The input positions element-wise layers let their output overwrite (see <see cref="LayerSpec.InPlaceInputs"/>).</summary>
internal static class ElementwiseInPlace
{
    public static readonly EquatableArray<int> FirstInput = new(new[] { 0 });

    public static readonly EquatableArray<int> BothInputs = new(new[] { 0, 1 });
}
