namespace TinyModel.Generator;

/// <summary>The generator's name and version, as written into <c>[GeneratedCode]</c>.</summary>
internal static class GeneratorInfo
{
    public const string Name = "TinyModel.Generator";

    public static readonly string Version =
        typeof(GeneratorInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
