using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace TinyModel.Generator;

/// <summary>
/// Generated code calls TinyModel.Runtime, whose kernels must be the ones this generator was built
/// against: the package pins it to its exact version. A project that lacks the Runtime, or references
/// another version of it (a direct PackageReference that overrode the pin, say), gets one TM0012 per
/// model instead of hundreds of compile errors in generated code.
/// </summary>
/// <param name="Problem">What is wrong, or null when the Runtime of this generator's version is referenced.</param>
/// <param name="HasNanoResourceManager">Whether nanoFramework.ResourceManager is referenced (the NanoFramework flavor reads large weights through it).</param>
internal sealed record RuntimeReference(string? Problem, bool HasNanoResourceManager = false)
{
    public const string AssemblyName = "TinyModel.Runtime";

    /// <summary>Looks for the Runtime among the compilation's references (cheap: names and versions only).</summary>
    public static RuntimeReference Check(Compilation compilation)
    {
        Version expected = typeof(RuntimeReference).Assembly.GetName().Version ?? new Version(0, 0, 0, 0);
        bool resources = compilation.ReferencedAssemblyNames.Any(a => a.Name == "nanoFramework.ResourceManager");
        AssemblyIdentity? runtime = compilation.ReferencedAssemblyNames.FirstOrDefault(a => a.Name == AssemblyName);
        if (runtime is null)
        {
            return new RuntimeReference($"the project does not reference {AssemblyName} {expected.ToString(3)}, which generated code calls; reference the TinyModel.Generator package (it brings the Runtime) or add TinyModel.Runtime {expected.ToString(3)}", resources);
        }
        if (runtime.Version.ToString(3) != expected.ToString(3))
        {
            return new RuntimeReference($"the project references {AssemblyName} {runtime.Version.ToString(3)}, but this TinyModel.Generator is {expected.ToString(3)} and its generated code needs the Runtime of the same version; reference both at {expected.ToString(3)} (the generator package pins it)", resources);
        }
        return new RuntimeReference((string?)null, resources);
    }
}
