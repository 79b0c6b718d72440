using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model;

/// <summary>
/// Constant data a kernel reads (weights, folded biases, per-channel multipliers), already laid out
/// the way the kernel wants it. Emitted into the assembly's data section and read in place.
/// </summary>
/// <param name="Name">The C# name of the constant, unique in its model.</param>
/// <param name="Data">The little-endian bytes of the elements.</param>
/// <param name="Description">What the constant holds, for the generated comment.</param>
/// <param name="Packing">How <paramref name="Data"/> is computed from the model's own bytes of the constant, when
/// generated code can do the same at run time (for a model whose file is embedded as a resource); null otherwise.</param>
internal sealed record ConstantSpec(string Name, ElementType Type, EquatableArray<byte> Data, string Description, ConstantPacking? Packing = null)
{
    public int ElementCount => Data.Count / Type.Size();
}
