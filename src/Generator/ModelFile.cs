using Microsoft.CodeAnalysis;

namespace TinyModel.Generator;

/// <summary>
/// A model handed to the generator: the additional file that carries its bytes and the item
/// metadata that names its class. Equal when the file and metadata are, so unchanged models are not
/// parsed again.
/// </summary>
/// <param name="Text">The additional file: base64 written by TinyModel's build targets, or a raw .tflite passed as text.</param>
/// <param name="SourcePath">The path of the .tflite file the user added, where diagnostics point.</param>
/// <param name="IsEncoded">Whether <paramref name="Text"/> is the base64 form (false: the raw binary reached the compiler).</param>
/// <param name="ClassName">The <c>TinyModelClass</c> metadata, if set.</param>
/// <param name="Namespace">The <c>TinyModelNamespace</c> metadata, if set.</param>
/// <param name="RootNamespace">The project's root namespace.</param>
/// <param name="Resource">The <c>TinyModelResource</c> metadata: the logical name under which the build targets embedded the model file (large models only), or null.</param>
/// <param name="Flavor">The <c>TinyModelFlavor</c> metadata, or the project's <c>TinyModelFlavor</c> property, as written (parsed with the model).</param>
internal sealed record ModelFile(AdditionalText Text, string SourcePath, bool IsEncoded, string? ClassName, string? Namespace, string? RootNamespace, string? Flavor = null, string? Resource = null);
