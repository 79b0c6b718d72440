using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model;

/// <summary>
/// How a constant laid out for a kernel is computed from the model's own bytes by a TinyModel.Runtime method
/// (the same code that packed it at build time): lets a class that reads its weights from the embedded model file
/// pack them once, at construction, instead of carrying the packed copy as C# initializers.
/// </summary>
/// <param name="SourceType">The element type of the model's bytes.</param>
/// <param name="Source">The model's bytes of the constant (a tensor's buffer, as in the file).</param>
/// <param name="Call">The call that returns the packed array, with <c>{0}</c> where the span of the source goes,
/// such as <c>global::TinyModel.FullyConnectedPacking.PackFloat({0}, 2560, 2048)</c>.</param>
internal sealed record ConstantPacking(ElementType SourceType, EquatableArray<byte> Source, string Call);
