using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TinyModel.Generator.Common;

namespace TinyModel.Generator.Diagnostics;

/// <summary>
/// A diagnostic as a plain, equatable value. <see cref="Diagnostic"/> and <see cref="Location"/> are
/// not equatable, so the pipeline carries this and builds the diagnostic only when reporting it.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, string FilePath, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, string filePath, params object[] arguments) =>
        new(descriptor, filePath, arguments.Select(a => a?.ToString() ?? string.Empty).ToEquatableArray());

    /// <summary>Builds the diagnostic, located at the start of the model file.</summary>
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(
            Descriptor,
            Location.Create(FilePath, default, new LinePositionSpan(default, default)),
            Arguments.Cast<object>().ToArray());
}
