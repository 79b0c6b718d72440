using System;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Model;

namespace TinyModel.Generator;

public sealed partial class TinyModelGenerator
{
    /// <summary>Reports a model's diagnostics and adds its sources.</summary>
    internal static class Emitter
    {
        public static void Emit(SourceProductionContext output, ParseResult result)
        {
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
            if (result.Spec is not ModelSpec spec)
            {
                return;
            }

            string hintPrefix = (spec.Namespace is null ? "" : spec.Namespace + ".") + spec.ClassName;
            string classSource, constantsSource;
            try
            {
                classSource = ModelEmitter.Emit(spec);
                constantsSource = ConstantsEmitter.Emit(spec);
            }
            catch (Exception e)
            {
                output.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, result.SourcePath,
                    System.IO.Path.GetFileName(result.SourcePath), $"{e.GetType().Name}: {e.Message}").ToDiagnostic());
                return;
            }

            try
            {
                output.AddSource(hintPrefix + ".g.cs", SourceText.From(classSource, Encoding.UTF8));
                output.AddSource(hintPrefix + ".Constants.g.cs", SourceText.From(constantsSource, Encoding.UTF8));
            }
            catch (ArgumentException)
            {
                // Roslyn rejects a second source with the same hint name: two models map to one class.
                output.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateClassName, result.SourcePath,
                    System.IO.Path.GetFileName(result.SourcePath), hintPrefix).ToDiagnostic());
            }
        }
    }
}
