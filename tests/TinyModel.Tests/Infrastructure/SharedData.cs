using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace TinyModel.Tests.Infrastructure;

/// <summary>Locates ../shared (models and TFLM golden data), which lives beside the repository.</summary>
internal static class SharedData
{
    public static string Root { get; } = FindRoot();

    /// <summary>The repository's root folder (where README.md is).</summary>
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot")
        ?? throw new InvalidOperationException("The test assembly does not record the repository root.");

    public static string ModelsDir => Path.Combine(Root, "models");

    public static string GoldenDir => Path.Combine(Root, "golden");

    /// <summary>The single-layer models of TFLM's integration tests.</summary>
    public static string OpsDir => Path.Combine(Root, "ops");

    /// <summary>Single-operator models for the rest of TFLM's catalog, with TFLM's outputs.</summary>
    public static string OpsetsDir => Path.Combine(Root, "opsets");

    /// <summary>TFLM's audio front ends (signal-library custom operators), with their golden data in <c>signal/golden</c>.</summary>
    public static string SignalDir => Path.Combine(Root, "signal");

    /// <summary>The recordings and photos TFLM's examples feed their models (see media/README.md).</summary>
    public static string MediaDir => Path.Combine(Root, "media");

    public static string ModelPath(string name) => Path.Combine(ModelsDir, name + ".tflite");

    public static byte[] ModelBytes(string name) => File.ReadAllBytes(ModelPath(name));

    private static string? Metadata(string key) =>
        typeof(SharedData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    private static string FindRoot()
    {
        string? configured = Environment.GetEnvironmentVariable("TINYMODEL_SHARED_DIR")
            ?? Metadata("SharedDir");
        if (configured is null || !Directory.Exists(configured))
        {
            throw new DirectoryNotFoundException($"The shared reference data was not found at '{configured}'. Clone the repository beside ../shared or set TINYMODEL_SHARED_DIR.");
        }
        return configured;
    }
}
