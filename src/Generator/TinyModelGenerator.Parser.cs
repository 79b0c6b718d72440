using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TinyModel.Generator.Common;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Planning;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator;

public sealed partial class TinyModelGenerator
{
    /// <summary>Turns a model file into a <see cref="ModelSpec"/>: decode, read, lower, plan. Never throws.</summary>
    internal static class Parser
    {
        public static ParseResult Parse(ModelFile file, CancellationToken cancellationToken)
        {
            using InvariantCultureScope culture = InvariantCultureScope.Enter();
            string fileName = Path.GetFileName(file.SourcePath);
            try
            {
                if (!file.IsEncoded)
                {
                    return Fail(file, DiagnosticInfo.Create(DiagnosticDescriptors.ModelNotEncoded, file.SourcePath, fileName));
                }

                (string className, string? ns, DiagnosticInfo? nameProblem) = ResolveNames(file, fileName);
                if (nameProblem is not null)
                {
                    return Fail(file, nameProblem);
                }
                if (!ModelFlavors.TryParse(file.Flavor, out ModelFlavor flavor))
                {
                    return Fail(file, DiagnosticInfo.Create(DiagnosticDescriptors.UnknownFlavor, file.SourcePath, fileName, file.Flavor!, ModelFlavors.Accepted));
                }

                string? text = file.Text.GetText(cancellationToken)?.ToString();
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(text ?? string.Empty);
                }
                catch (FormatException)
                {
                    return Fail(file, DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableModel, file.SourcePath, fileName,
                        $"its encoded copy '{file.Text.Path}' is not valid base64; rebuild to regenerate it"));
                }
                cancellationToken.ThrowIfCancellationRequested();

                TfliteModel model;
                try
                {
                    model = TfliteReader.Read(bytes);
                }
                catch (ModelFormatException e)
                {
                    return Fail(file, DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableModel, file.SourcePath, fileName, e.Message));
                }
                catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or ArgumentException)
                {
                    // Google.FlatBuffers' bounds checks: the verifier should catch these first.
                    return Fail(file, DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableModel, file.SourcePath, fileName,
                        "an offset points outside the file (is the file truncated or corrupt?)"));
                }
                cancellationToken.ThrowIfCancellationRequested();

                LoweredGraph? graph;
                IReadOnlyList<DiagnosticInfo> diagnostics;
                try
                {
                    (graph, diagnostics) = ModelLowerer.Lower(model, file.SourcePath);
                }
                catch (ModelFormatException e)
                {
                    // A vector inside an operator's options, read only when the operator is lowered.
                    return Fail(file, DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableModel, file.SourcePath, fileName, e.Message));
                }
                if (graph is null)
                {
                    return new ParseResult(null, diagnostics.ToEquatableArray(), file.SourcePath);
                }

                // The .NET flavor reads large constants from the model file when the build targets embedded it.
                EmbeddedModel? embedded = flavor == ModelFlavor.Net && file.Resource is string resource
                    ? new EmbeddedModel(resource, bytes.Length, Emitting.ResourceChecksum.Compute(bytes))
                    : null;
                IReadOnlyList<LayerSpec> steps = ExecutionTrace.Steps(graph.Layers, graph.Subgraphs);
                ArenaPlan plan = ArenaPlanner.Plan(graph.Values, graph.Inputs, graph.Outputs, steps);
                int pageBytes = 0;
                if (flavor == ModelFlavor.NanoFramework && Emitting.NanoFramework.NanoArenaLayout.NeedsPages(plan.Values))
                {
                    // One array per element type would exceed the largest object nanoFramework allocates.
                    pageBytes = Emitting.NanoFramework.NanoArenaLayout.PageBytes;
                    plan = ArenaPlanner.Plan(graph.Values, graph.Inputs, graph.Outputs, steps, pageBytes);
                }
                IReadOnlyList<string> inputNames = ParameterNames(graph.Inputs, plan.Values, "input");
                var spec = new ModelSpec(
                    className,
                    ns,
                    fileName,
                    plan.Values.ToEquatableArray(),
                    graph.Inputs.ToEquatableArray(),
                    inputNames.ToEquatableArray(),
                    graph.Outputs.ToEquatableArray(),
                    ParameterNames(graph.Outputs, plan.Values, "output", inputNames).ToEquatableArray(),
                    graph.Layers.ToEquatableArray(),
                    graph.Constants.ToEquatableArray(),
                    plan.ArenaBytes,
                    plan.LowerBoundBytes,
                    graph.OperatorCounts,
                    flavor,
                    flavor == ModelFlavor.NanoFramework || embedded is not null ? FileBlobs(model).ToEquatableArray() : EquatableArray<ModelBlob>.Empty,
                    embedded,
                    graph.Subgraphs.ToEquatableArray(),
                    pageBytes);
                return new ParseResult(spec, EquatableArray<DiagnosticInfo>.Empty, file.SourcePath);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                return Fail(file, DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, file.SourcePath, fileName, ExceptionDescription.Describe(e)));
            }
        }

        /// <summary>Each non-empty constant buffer that lies inside the file: its offset, length and hash.</summary>
        private static IEnumerable<ModelBlob> FileBlobs(TfliteModel model)
        {
            foreach (ReadOnlyMemory<byte> buffer in model.Buffers)
            {
                if (buffer.Length > 0 && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment))
                {
                    yield return new ModelBlob(segment.Offset, segment.Count, ModelBlob.HashOf(buffer.Span));
                }
            }
        }

        private static ParseResult Fail(ModelFile file, DiagnosticInfo diagnostic) =>
            new(null, new[] { diagnostic }.ToEquatableArray(), file.SourcePath);

        private static (string ClassName, string? Namespace, DiagnosticInfo? Problem) ResolveNames(ModelFile file, string fileName)
        {
            string className = file.ClassName ?? DefaultClassName(file.SourcePath);
            if (!Identifiers.IsValidIdentifier(className))
            {
                return (className, null, DiagnosticInfo.Create(DiagnosticDescriptors.InvalidClassName, file.SourcePath, fileName, "the class name", className, "identifier"));
            }
            string? ns = file.Namespace ?? file.RootNamespace;
            if (ns is not null && !Identifiers.IsValidNamespace(ns))
            {
                return (className, ns, DiagnosticInfo.Create(DiagnosticDescriptors.InvalidClassName, file.SourcePath, fileName, "the namespace", ns, "namespace"));
            }
            return (className, ns, null);
        }

        /// <summary>
        /// Parameter names for Invoke from tensor names: <c>input</c>/<c>output</c> when there is one. Output names
        /// keep clear of the inputs' (<paramref name="taken"/>): two tensors may share a name.
        /// </summary>
        private static IReadOnlyList<string> ParameterNames(IReadOnlyList<int> ids, IReadOnlyList<ValueSpec> values, string kind, IReadOnlyList<string>? taken = null)
        {
            if (ids.Count == 1 && taken?.Contains(kind) != true)
            {
                return new[] { kind };
            }
            IEnumerable<string> names = ids.Select((id, i) =>
            {
                string name = Identifiers.ToParameterName(values.First(v => v.Id == id).Name, kind + i);
                // Keep clear of Invoke's own locals (arena, t<N>).
                return name == "arena" || (name.Length > 1 && name[0] == 't' && name.Skip(1).All(char.IsDigit)) ? name + "Tensor" : name;
            });
            return Identifiers.Deduplicate(names, taken);
        }
    }
}
