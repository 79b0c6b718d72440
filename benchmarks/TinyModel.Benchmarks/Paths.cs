using System;
using System.Linq;
using System.Reflection;

namespace TinyModel.Benchmarks;

/// <summary>Where the reference data and the repository are, as recorded at build time.</summary>
internal static class Paths
{
    public static string SharedDir { get; } = Metadata("SharedDir");

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The assembly does not record {key}.");
}
