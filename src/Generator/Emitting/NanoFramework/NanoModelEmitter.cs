using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Operators.Convolution;

namespace TinyModel.Generator.Emitting.NanoFramework;

/// <summary>
/// Writes the class of one model for .NET nanoFramework: the same public shape as the .NET flavor's
/// (constructor, <c>Invoke</c>, <c>ResetState</c>, tensor metadata, cost constants) with arrays in place of
/// spans, and no reference to TinyModel.Runtime. nanoFramework cannot reinterpret memory, so the arena is
/// one array per element type, or pages of them (<see cref="NanoArenaLayout"/>).
/// </summary>
internal static class NanoModelEmitter
{
    /// <summary>
    /// Bytes of array-initializer data one assembly can hold: nanoFramework's metadata processor keeps every
    /// initializer in the signature table, whose offsets are 16-bit; past 65,535 bytes in all (signatures
    /// included) the program fails to load, without an error at build time. Measured: 65,000 bytes of
    /// initializers load. The margin leaves room for the signatures of the model's methods and fields.
    /// </summary>
    public const int InitializerBudgetBytes = 64_000;

    /// <summary>
    /// Writes the class and its constants, with every weight in static arrays when they fit one assembly, and
    /// otherwise with the layers' weights read from the model file embedded as a binary resource; returns the
    /// context, whose diagnostics say what cannot be written.
    /// </summary>
    /// <param name="resourceManagerReferenced">Whether the project references nanoFramework.ResourceManager, which reading the resource needs.</param>
    public static (string ClassSource, string ConstantsSource, NanoEmitContext Context) Emit(ModelSpec model, string sourcePath, bool resourceManagerReferenced)
    {
        var context = new NanoEmitContext(model, sourcePath);
        (string classSource, string constantsSource) = Write(model, context);
        if (InitializerBytes(model, context) > InitializerBudgetBytes && NanoWeightsResource.IsEmbedded(model))
        {
            context = new NanoEmitContext(model, sourcePath, weightsFromResource: true);
            (classSource, constantsSource) = Write(model, context);
            if (context.UsesResource && !resourceManagerReferenced)
            {
                context.ReportLimit($"its weights ({context.WeightBytes} bytes of them left in arrays) exceed what arrays can hold, so the layers read them from the model file embedded as a binary resource, which needs a reference to nanoFramework.ResourceManager; add that package to the project");
            }
        }
        CheckLimits(model, context, EstimateIlBytes(classSource, context.Constants.Count));
        return (classSource, constantsSource, context);
    }

    /// <summary>
    /// IL bytes nanoFramework's metadata processor accepts in one assembly: its IL offsets are 16-bit. The
    /// generator reports a class whose estimate exceeds this less <see cref="IlMarginBytes"/>.
    /// </summary>
    public const int IlLimitBytes = 65_535;

    /// <summary>Room left for the rest of the user's assembly (their program and other classes).</summary>
    public const int IlMarginBytes = 8_192;

    /// <summary>
    /// An upper estimate of the IL the C# compiler emits for a model's class and its constants: for the class,
    /// <see cref="IlBytesPerCodeCharacter"/> per four characters of code, not counting white space, comments, braces
    /// and the text of string literals; for each constant array, the <see cref="IlBytesPerConstant"/> of its
    /// initializer in the static constructor (the data itself is not IL). Measured against the compiled IL of the
    /// models the flavor compiles (NanoFrameworkIlSizeTests): never below it.
    /// </summary>
    public static int EstimateIlBytes(string classSource, int constantCount)
    {
        string source = classSource;
        long characters = 0;
        foreach (string rawLine in source.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line.StartsWith("//", System.StringComparison.Ordinal) || line.StartsWith("#", System.StringComparison.Ordinal))
            {
                continue;
            }
            bool inString = false;
            foreach (char c in line)
            {
                if (c == '"')
                {
                    inString = !inString;
                    continue;
                }
                if (!inString && !char.IsWhiteSpace(c) && c != '{' && c != '}')
                {
                    characters++;
                }
            }
        }
        return (int)System.Math.Min(int.MaxValue, characters * IlBytesPerCodeCharacter / 4 + (long)IlBytesPerConstant * constantCount);
    }

    /// <summary>IL of one static array initializer: <c>ldc, newarr, dup, ldtoken, call InitializeArray, stsfld</c>.</summary>
    private const int IlBytesPerConstant = 24;

    /// <summary>IL bytes per four characters of code (see <see cref="EstimateIlBytes"/>).</summary>
    private const int IlBytesPerCodeCharacter = 2;

    private static (string ClassSource, string ConstantsSource) Write(ModelSpec model, NanoEmitContext context)
    {
        var layers = new SourceWriter(model.Namespace is null ? 1 : 2);
        foreach (LayerSpec layer in model.Layers)
        {
            if (context.IsElided(layer))
            {
                continue;
            }
            layers.WriteLine();
            OperatorCatalog.ForLayer(layer).EmitNanoFramework(layers, layer, context);
        }

        var writer = new SourceWriter();
        writer.WriteLine("// <auto-generated/>");
        writer.WriteLine($"// {GeneratorInfo.Name} {GeneratorInfo.Version} compiled {model.SourceFileName} into this class for .NET nanoFramework. Do not edit: edit or replace the model.");
        // Disabled, not enabled: nullable annotations make the compiler embed attribute types into the assembly.
        writer.WriteLine("#nullable disable");
        writer.WriteLine();
        ModelEmitter.OpenNamespace(writer, model);
        WriteClassDocumentation(writer, model, context);
        writer.OpenBlock($"public sealed partial class {model.ClassName}");
        WriteMetadata(writer, model, context);
        WriteArena(writer, model, context);
        WriteResetState(writer, model, context);
        WriteInvoke(writer, model, context);
        writer.WriteLine();
        writer.WriteLine("/// <summary>Called after each layer with the tensor it computed (its index in the model, its array, first element and length); implement it in a partial class to trace a model.</summary>");
        writer.WriteLine("partial void OnTensorComputed(int tensorIndex, global::System.Array tensor, int offset, int length);");
        writer.WriteRaw(layers.ToString());
        writer.WriteLine();
        NanoHelpers.Write(writer, context.Helpers);
        writer.WriteLine();
        if (context.UsesResource)
        {
            NanoWeightsResource.Write(writer, model, context.UsesResourcePages);
            writer.WriteLine();
        }
        context.Arena.WriteViewClasses(writer);
        NanoTensorInfo.Write(writer);
        writer.CloseBlock();
        ModelEmitter.CloseNamespace(writer, model);
        return (writer.ToString(), NanoConstantsEmitter.Emit(model, context.Constants));
    }

    /// <summary>Bytes of array initializers the class holds: its constants and the per-layer cost figures.</summary>
    private static long InitializerBytes(ModelSpec model, NanoEmitContext context) => context.WeightBytes + 8L * model.Layers.Count;

    /// <summary>
    /// Bytes of the largest array nanoFramework allocates on a 32-bit device: an object is at most 65,535 heap blocks
    /// (the block count is 16-bit) of 12 bytes. Measured on the 64-bit nanoCLR host here (24-byte blocks): an array of
    /// 1,441,792 bytes allocates, one of 1,572,864 ends the program without a message.
    /// </summary>
    public const int LargestArrayBytes = 65_535 * 12;

    private static void CheckLimits(ModelSpec model, NanoEmitContext context, int ilBytes)
    {
        // A paged arena keeps every array within the limit; a tensor larger than a page is passed as a view over pages,
        // which only the kernels that index their tensors element by element (or copy through the view class) take.
        foreach (LayerSpec layer in model.Layers.Where(l => !context.IsElided(l) && !OperatorCatalog.ForLayer(l).NanoFrameworkTakesPagedTensors))
        {
            foreach (ValueSpec value in layer.Inputs.Concat(layer.Outputs).Select(model.Value).Where(context.Arena.IsPaged))
            {
                context.ReportLimit(
                    $"its {value.Type.ModelName()} tensor '{value.Name}' takes {value.ByteCount} bytes, more than the largest object nanoFramework allocates " +
                    $"(65,535 heap blocks: {LargestArrayBytes} bytes on a 32-bit device; past it the program stops without a message), so it is split across arena arrays of at most {model.ArenaPageBytes} bytes, " +
                    $"and {layer.OperatorName} node {layer.NodeIndex}'s nanoFramework kernel cannot read or write a tensor split that way; the kernels that can: {string.Join(", ", OperatorCatalog.Definitions.Where(d => d.NanoFrameworkTakesPagedTensors).Select(d => d.Name).OrderBy(n => n, System.StringComparer.Ordinal))}");
            }
        }
        if (ilBytes > IlLimitBytes - IlMarginBytes)
        {
            context.ReportLimit(
                $"its class needs about {ilBytes} bytes of IL (an estimate from the generated source), and nanoFramework's metadata processor " +
                $"accepts at most {IlLimitBytes} bytes of IL per assembly (16-bit offsets); TinyModel keeps {IlMarginBytes} of them for the rest of the assembly, " +
                $"so a model's class may take {IlLimitBytes - IlMarginBytes}; the layers are loops, so this grows with the number of layers ({model.Layers.Count} here)");
        }
        long initializers = InitializerBytes(model, context);
        if (initializers > InitializerBudgetBytes)
        {
            context.ReportLimit(
                $"its constants take {initializers} bytes of array initializers ({context.WeightBytes} bytes of weights and tables), " +
                $"and nanoFramework's metadata processor keeps all initializers with the signatures in one table of at most 65,535 bytes " +
                $"(past it the program fails to load, with no error at build time); TinyModel writes at most {InitializerBudgetBytes} bytes " +
                "of constants per model in this flavor; the weights of FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D layers, the convolutions' biases and per-channel requantization are read or derived from the embedded model file, the rest of these are other tables and biases");
        }
    }

    private static void WriteClassDocumentation(SourceWriter writer, ModelSpec model, NanoEmitContext context)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// The TensorFlow Lite model <c>{Literals.Xml(model.SourceFileName)}</c>, compiled to C# for .NET nanoFramework: {Literals.Xml(model.OperatorCounts)}.");
        writer.WriteLine("/// Call <see cref=\"Invoke\"/>; it allocates nothing.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("/// <remarks>");
        ModelEmitter.WriteTensorParagraphs(writer, model);
        writer.WriteLine($"/// <para>Memory on nanoFramework: {context.Arena.Bytes} bytes of arena arrays per instance (RAM{(context.Arena.Paged ? $"; {context.Arena.Arrays.Count} arrays of at most {model.ArenaPageBytes} bytes, the most nanoFramework allocates as one object" : string.Empty)}); {context.WeightBytes} bytes of constants,");
        writer.WriteLine("/// which nanoFramework copies from flash into RAM when the class is first used, so they take both.");
        if (context.DerivedTables.Count > 0)
        {
            writer.WriteLine($"/// {DerivedTableBytes(context)} bytes of per-channel requantization tables (RAM), derived from the model file when the first instance is created.");
        }
        writer.WriteLine($"/// {model.Layers.Sum(l => l.MacCount)} multiply-accumulates per call.</para>");
        writer.WriteLine("/// </remarks>");
    }

    private static void WriteMetadata(SourceWriter writer, ModelSpec model, NanoEmitContext context)
    {
        writer.WriteLine("/// <summary>Bytes of working memory (the arena arrays, one per element type) each instance allocates once, in its constructor.</summary>");
        writer.WriteLine($"public const int ArenaBytes = {context.Arena.Bytes};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>The least arena any memory plan could use for this model: the most bytes of tensors live at one step.</summary>");
        writer.WriteLine($"public const int ArenaLowerBoundBytes = {model.ArenaLowerBoundBytes};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Bytes of constant data (weights, biases, requantization tables) compiled into the assembly.</summary>");
        writer.WriteLine($"public const int WeightBytes = {context.WeightBytes};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Multiply-accumulate operations per call of <see cref=\"Invoke\"/>.</summary>");
        writer.WriteLine($"public const long MacCount = {model.Layers.Sum(l => l.MacCount)}L;");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Multiply-accumulate operations of each layer per call, in execution order (the layers of <see cref=\"Operators\"/>).</summary>");
        writer.WriteLine($"public static readonly long[] LayerMacCounts = new long[] {{ {string.Join(", ", model.Layers.Select(l => l.MacCount + "L"))} }};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>The model's operators and how often each occurs.</summary>");
        writer.WriteLine($"public const string Operators = {Literals.String(model.OperatorCounts)};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>The model's input tensors, in the order <see cref=\"Invoke\"/> takes them.</summary>");
        writer.WriteLine("public static readonly TensorInfo[] Inputs = new TensorInfo[]");
        WriteTensorInfos(writer, model, model.Inputs);
        writer.WriteLine();
        writer.WriteLine("/// <summary>The model's output tensors, in the order <see cref=\"Invoke\"/> takes them.</summary>");
        writer.WriteLine("public static readonly TensorInfo[] Outputs = new TensorInfo[]");
        WriteTensorInfos(writer, model, model.Outputs);
        writer.WriteLine();
    }

    private static void WriteTensorInfos(SourceWriter writer, ModelSpec model, EquatableArray<int> ids)
    {
        writer.WriteLine("{");
        writer.Indent();
        foreach (int id in ids)
        {
            ValueSpec value = model.Value(id);
            string quantization = value.Quantization is { } q ? $"{Literals.Float(q.Scale)}, {q.ZeroPoint}" : "0f, 0";
            writer.WriteLine($"new TensorInfo({Literals.String(value.Name)}, {Literals.String(value.Type.ModelName())}, new int[] {{ {string.Join(", ", value.Shape)} }}, {quantization}, {value.Type.MinValue()}, {value.Type.MaxValue()}),");
        }
        writer.Unindent();
        writer.WriteLine("};");
    }

    private static void WriteArena(SourceWriter writer, ModelSpec model, NanoEmitContext context)
    {
        WriteDerivedTableFields(writer, context);
        context.Arena.WriteFields(writer);
        if (context.Arena.Arrays.Count > 0)
        {
            writer.WriteLine();
        }
        writer.WriteLine("/// <summary>Creates an instance of the model with its own arena of <see cref=\"ArenaBytes\"/> bytes, the only allocation it makes.</summary>");
        writer.WriteLine("/// <remarks>An instance may be reused for any number of calls, but not by two threads at once; give each thread its own.</remarks>");
        writer.OpenBlock($"public {model.ClassName}()");
        context.Arena.WriteViewCreation(writer);
        if (context.DerivedTables.Count > 0)
        {
            writer.OpenBlock($"if ({context.DerivedTables[0].Multipliers} == null)");
            writer.WriteLine("DeriveChannelMultipliers();");
            writer.CloseBlock();
        }
        if (model.Values.Any(v => v.IsVariable))
        {
            writer.WriteLine("ResetState();");
        }
        writer.CloseBlock();
        writer.WriteLine();
        WriteDeriveChannelMultipliers(writer, context);
    }

    /// <summary>The static fields of the per-channel tables the first instance derives from the model file (<see cref="NanoEmitContext.ChannelTables"/>).</summary>
    private static void WriteDerivedTableFields(SourceWriter writer, NanoEmitContext context)
    {
        if (context.DerivedTables.Count == 0)
        {
            return;
        }
        int channels = context.DerivedTables.Sum(t => t.Scales.Channels);
        writer.WriteLine($"// Per-channel requantization of {context.DerivedTables.Count} layers ({channels} channels, {DerivedTableBytes(context)} bytes of RAM), derived from the model file's scales by the first instance.");
        foreach ((string multipliers, string shifts, _) in context.DerivedTables)
        {
            writer.WriteLine($"private static int[] {multipliers};");
            writer.WriteLine($"private static int[] {shifts};");
        }
        writer.WriteLine();
    }

    /// <summary>Bytes of RAM the derived per-channel tables take: a multiplier and an exponent (int32 each) per channel.</summary>
    public static int DerivedTableBytes(NanoEmitContext context) => context.DerivedTables.Sum(t => 8 * t.Scales.Channels);

    private static void WriteDeriveChannelMultipliers(SourceWriter writer, NanoEmitContext context)
    {
        if (context.DerivedTables.Count == 0)
        {
            return;
        }
        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// Derives each per-channel layer's multipliers and exponents from the filter scales in the model file, exactly as the generator");
        writer.WriteLine("/// would have (TFLite's QuantizeMultiplier of input · filter[c] / output in double, computed in integers): RAM instead of");
        writer.WriteLine("/// static arrays, which nanoFramework would hold in flash and copy into RAM, beyond what one assembly's initializers hold.");
        writer.WriteLine("/// Two instances created at once both derive the same values.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock("private static void DeriveChannelMultipliers()");
        foreach ((string multipliers, string shifts, ChannelScales scales) in context.DerivedTables)
        {
            writer.WriteLine($"{shifts} = Derive({FloatBits(scales.InputScale)}, {FloatBits(scales.OutputScale)}, {scales.FilterScaleOffset}, {scales.Channels}, out {multipliers}); // input scale {Literals.FloatText(scales.InputScale)}, output scale {Literals.FloatText(scales.OutputScale)}");
        }
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("/// <summary>One layer's tables: the exponents (returned) and the multipliers of <paramref name=\"channels\"/> channels whose filter scales (float32) lie at <paramref name=\"offset\"/> of the model file.</summary>");
        writer.OpenBlock("private static int[] Derive(int inputScaleBits, int outputScaleBits, int offset, int channels, out int[] multipliers)");
        writer.WriteLine($"byte[] scales = {NanoWeightsResource.ClassName}.Read(offset, 4 * channels);");
        writer.WriteLine("multipliers = new int[channels];");
        writer.WriteLine("int[] shifts = new int[channels];");
        writer.OpenBlock("for (int c = 0; c < channels; c++)");
        writer.WriteLine($"{NanoHelpers.ClassName}.QuantizeMultiplier(inputScaleBits, global::System.BitConverter.ToInt32(scales, 4 * c), outputScaleBits, multipliers, shifts, c);");
        writer.CloseBlock();
        writer.WriteLine("return shifts;");
        writer.CloseBlock();
        writer.WriteLine();
    }

    /// <summary>A float's bits as a C# int literal.</summary>
    private static string FloatBits(float value) => "unchecked((int)0x" + System.BitConverter.ToInt32(System.BitConverter.GetBytes(value), 0).ToString("X8", System.Globalization.CultureInfo.InvariantCulture) + ")";

    private static void WriteResetState(SourceWriter writer, ModelSpec model, NanoEmitContext context)
    {
        var state = model.Values.Where(v => v.IsVariable && v.Storage == StorageKind.Arena).ToList();
        writer.WriteLine("/// <summary>");
        writer.WriteLine(state.Count == 0
            ? "/// Resets the model's state. This model keeps none (each call depends only on its inputs), so this does nothing."
            : "/// Resets what the stateful layers carry from one call to the next to the values a new instance starts with (TFLM's ResetVariableTensors).");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock("public void ResetState()");
        foreach (ValueSpec value in state)
        {
            int size = value.Type.Size();
            string fill = value.Type == ElementType.Int8 ? Literals.Int((sbyte)value.ResetByte) : value.Type == ElementType.Float32 ? "0f" : "0";
            (string array, int first) = context.Arena.Locate(value);
            writer.OpenBlock($"for (int i = {first}; i < {first + value.ByteCount / size}; i++) // {Literals.Comment(value.Describe())}");
            writer.WriteLine($"{array}[i] = {fill};");
            writer.CloseBlock();
        }
        writer.CloseBlock();
        writer.WriteLine();
    }

    private static void WriteInvoke(SourceWriter writer, ModelSpec model, NanoEmitContext context)
    {
        writer.WriteLine("/// <summary>Runs the model: reads the inputs, computes every layer, writes the outputs. Allocates nothing.</summary>");
        ModelEmitter.WriteParameterDocs(writer, model);
        writer.WriteLine("/// <exception cref=\"global::System.ArgumentException\">An array is null, its length differs from its tensor's element count, or an output array is another argument of the call.</exception>");
        writer.OpenBlock($"public void Invoke({string.Join(", ", ModelEmitter.Parameters(model).Select(p => $"{p.Value.Type.CSharpName()}[] {p.Name}"))})");
        var parameters = ModelEmitter.Parameters(model).ToList();
        foreach ((string name, ValueSpec value, _) in parameters)
        {
            writer.OpenBlock($"if ({name} == null || {name}.Length != {value.ElementCount})");
            writer.WriteLine($"throw new global::System.ArgumentException({Literals.String($"'{value.Name}' takes an array of {value.ElementCount} elements")}, \"{name}\");");
            writer.CloseBlock();
        }
        // Layers write outputs while inputs are still read: each output needs an array of its own.
        for (int o = 0; o < parameters.Count; o++)
        {
            for (int other = 0; other < o && !parameters[o].IsInput; other++)
            {
                if (parameters[o].Value.Type == parameters[other].Value.Type)
                {
                    writer.OpenBlock($"if ((object){parameters[o].Name} == (object){parameters[other].Name})");
                    writer.WriteLine($"throw new global::System.ArgumentException(\"The output array is also passed as '{parameters[other].Name}'; give each output an array of its own.\", \"{parameters[o].Name}\");");
                    writer.CloseBlock();
                }
            }
        }
        writer.WriteLine();

        ModelEmitter.WriteLayerCalls(writer, model, context,
            layer => layer.Inputs.Concat(layer.Outputs).Select(id => Reference(model, model.Value(id), layer, context)),
            // The hook takes an array: a tensor larger than a page is not reported.
            value => context.Arena.IsPaged(value) ? null : $"{Reference(model, value, null, context)}, {value.ElementCount}",
            (value, output) => $"{(context.Arena.IsPaged(value) ? NanoArenaLayout.ViewClass(value.Type) : "global::System.Array")}.Copy({Reference(model, value, null, context)}, {output}, 0, {value.ElementCount});");
        writer.CloseBlock();
    }

    /// <summary>A value as the array and index of its first element, such as <c>_arenaInt8, 1024</c> or <c>input, 0</c>.</summary>
    private static string Reference(ModelSpec model, ValueSpec value, LayerSpec? layer, NanoEmitContext context)
    {
        (string array, int tensor, int offset) = value.Storage switch
        {
            StorageKind.Input => (model.InputParameters[value.Offset], model.Inputs[value.Offset], 0),
            StorageKind.Output => (model.OutputParameters[value.Offset], model.Outputs[value.Offset], 0),
            _ => (context.Arena.Locate(value).Array, value.Id, context.Arena.Locate(value).Offset),
        };
        if (model.Value(tensor).Type != value.Type && layer is not null)
        {
            // The .NET flavor reinterprets the caller's span (a QUANTIZE computed in place); arrays cannot.
            context.ReportUnsupported(layer, $"tensor '{value.Name}' ({value.Type.ModelName()}) would live in the caller's {model.Value(tensor).Type.ModelName()} array");
        }
        return $"{array}, {offset}";
    }
}
