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
        public static void Emit(SourceProductionContext output, EmitRequest request, ConstantStorage storage, RuntimeReference runtime)
        {
            ParseResult result = request.Result;
            using Common.InvariantCultureScope culture = Common.InvariantCultureScope.Enter();
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
            if (result.Spec is not ModelSpec spec)
            {
                return;
            }

            // A nanoFramework project cannot reference TinyModel.Runtime (net8.0); that flavor's classes need none.
            if (spec.Flavor == ModelFlavor.Net && runtime.Problem is string problem)
            {
                output.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.RuntimeMismatch, result.SourcePath,
                    System.IO.Path.GetFileName(result.SourcePath), problem).ToDiagnostic());
                return;
            }

            if (request.ClassTakenBy is string first)
            {
                output.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateClassName, result.SourcePath,
                    System.IO.Path.GetFileName(result.SourcePath), spec.FullName, first).ToDiagnostic());
                return;
            }

            if (spec.Flavor == ModelFlavor.NanoFramework)
            {
                EmitNanoFramework(output, spec, result.SourcePath, runtime.HasNanoResourceManager);
                return;
            }

            string hintPrefix = spec.FullName;
            string classSource, constantsSource;
            try
            {
                var context = new EmitContext(spec);
                classSource = ModelEmitter.Emit(spec, context, storage);
                constantsSource = ConstantsEmitter.Emit(spec, context.Constants, storage);
            }
            catch (Exception e)
            {
                output.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, result.SourcePath,
                    System.IO.Path.GetFileName(result.SourcePath), ExceptionDescription.Describe(e)).ToDiagnostic());
                return;
            }

            output.AddSource(hintPrefix + ".g.cs", SourceText.From(classSource, Encoding.UTF8));
            output.AddSource(hintPrefix + ".Constants.g.cs", SourceText.From(constantsSource, Encoding.UTF8));
        }

        /// <summary>Writes the nanoFramework flavor's sources, or only the diagnostics of what it cannot write yet.</summary>
        private static void EmitNanoFramework(SourceProductionContext output, ModelSpec spec, string sourcePath, bool resourceManagerReferenced)
        {
            string classSource, constantsSource;
            Emitting.NanoFramework.NanoEmitContext context;
            try
            {
                (classSource, constantsSource, context) = Emitting.NanoFramework.NanoModelEmitter.Emit(spec, sourcePath, resourceManagerReferenced);
            }
            catch (Exception e)
            {
                output.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, sourcePath,
                    System.IO.Path.GetFileName(sourcePath), $"{e.GetType().Name}: {e.Message}").ToDiagnostic());
                return;
            }
            if (context.Diagnostics.Count > 0)
            {
                foreach (DiagnosticInfo diagnostic in context.Diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
                return;
            }
            output.AddSource(spec.FullName + ".g.cs", SourceText.From(classSource, Encoding.UTF8));
            output.AddSource(spec.FullName + ".Constants.g.cs", SourceText.From(constantsSource, Encoding.UTF8));
        }
    }
}
