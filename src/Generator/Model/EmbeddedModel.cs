namespace TinyModel.Generator.Model;

/// <summary>
/// A model file that TinyModel's build targets embedded in the assembly as a manifest resource (a .NET-flavor
/// model larger than <c>TinyModelResourceMinBytes</c>): the generated class reads its large constants from
/// there through <c>TinyModel.ModelResource</c>, which checks the resource against this length and checksum.
/// </summary>
/// <param name="ResourceName">The resource's logical name (the <c>TinyModelResource</c> metadata).</param>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="Checksum">The file's <c>ResourceChecksum</c>.</param>
internal sealed record EmbeddedModel(string ResourceName, int Length, long Checksum);
