using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Convolution;

namespace TinyModel.Generator.Emitting.NanoFramework;

/// <summary>
/// What a layer emitter of the nanoFramework flavor may ask about the model it writes into. nanoFramework
/// has no spans, so a tensor is an array and the index of its first element: a layer method takes
/// <c>(T[] input, int inputOffset, ..., T[] output, int outputOffset)</c>. The arena is one array per
/// element type, or pages of arrays when it is larger than nanoFramework allocates (<see cref="NanoArenaLayout"/>).
/// </summary>
internal sealed class NanoEmitContext : EmitContextBase
{
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly SortedSet<NanoHelper> _helpers = new();

    private readonly string _sourcePath;

    public NanoEmitContext(ModelSpec model, string sourcePath, bool weightsFromResource = false)
        : base(model)
    {
        _sourcePath = sourcePath;
        WeightsFromResource = weightsFromResource;
        Arena = new NanoArenaLayout(model);
    }

    /// <summary>The arena arrays and where each tensor lies in them.</summary>
    public NanoArenaLayout Arena { get; }

    /// <summary>
    /// Whether layers read their weights from the model file embedded as a binary resource (it stays in flash;
    /// <see cref="NanoWeightsResource"/>) instead of static arrays, which an assembly can hold only 64 KiB of.
    /// </summary>
    public bool WeightsFromResource { get; }

    /// <summary>Whether some layer read its weights from the resource.</summary>
    public bool UsesResource { get; private set; }

    /// <summary>
    /// Adds a layer's weights, in the model's own layout, and writes the statement that declares the local
    /// <paramref name="local"/> over them; returns how the layer reads element <c>i</c> (an expression of the
    /// element type). From static arrays: <c>local[i]</c>. From the resource: the layer's bytes, read once per
    /// call (nanoFramework's resource API copies them into a new array), as <c>(sbyte)local[i]</c> or
    /// <c>BitConverter.ToSingle(local, 4 * i)</c>.
    /// </summary>
    /// <param name="constantName">The constant's name when it is kept in a static array; <c>Layer{n}Weights</c> unless the layer has several.</param>
    public System.Func<string, string> Weights(SourceWriter writer, LayerSpec layer, ElementType type, byte[] data, string description, string local, string? constantName = null)
    {
        ModelBlob? blob = WeightsFromResource && type is ElementType.Int8 or ElementType.Float32 ? FindBlob(data) : null;
        if (blob is null)
        {
            string name = AddConstant(constantName ?? $"Layer{layer.NodeIndex}Weights", type, data, description);
            writer.WriteLine($"{type.CSharpName()}[] {local} = {Constant(name)};");
            return i => $"{local}[{i}]";
        }
        return FromFile(writer, blob, type, description, local);
    }

    /// <summary>
    /// Writes the statement that declares the local <paramref name="local"/> over one of lowering's constants (a
    /// bias) and returns how the layer reads element <c>i</c>: from its static array, or, when the layers read the
    /// model file and the constant is one of its buffers (int8, int32 or float32), from the file, as
    /// <see cref="Weights"/> does; the constant is then not written.
    /// </summary>
    public System.Func<string, string> ModelConstant(SourceWriter writer, string name, string local)
    {
        ConstantSpec constant = Constants.First(c => c.Name == name);
        ModelBlob? blob = WeightsFromResource && constant.Type is ElementType.Int8 or ElementType.Int32 or ElementType.Float32
            ? FindBlob(constant.Data.AsImmutableArray().AsSpan().ToArray())
            : null;
        if (blob is null)
        {
            writer.WriteLine($"{constant.Type.CSharpName()}[] {local} = {Constant(name)};");
            return i => $"{local}[{i}]";
        }
        RemoveConstant(name);
        return FromFile(writer, blob, constant.Type, constant.Description, local);
    }

    /// <summary>Whether some layer reads weights larger than one nanoFramework object, as several arrays (<see cref="NanoWeightsResource"/>).</summary>
    public bool UsesResourcePages { get; private set; }

    /// <summary>
    /// Writes the statement that reads a constant (int8, int32 or float32) from the model file into the local
    /// <paramref name="local"/>, and returns how the layer reads element <c>i</c>. More bytes than nanoFramework
    /// allocates as one object are read as pages of <see cref="NanoArenaLayout.PageBytes"/> (a multiple of 4, so no
    /// element straddles two).
    /// </summary>
    private System.Func<string, string> FromFile(SourceWriter writer, ModelBlob blob, ElementType type, string description, string local)
    {
        UsesResource = true;
        writer.WriteLine($"// {description}: {blob.Length} bytes at offset {blob.Offset} of the model file, read from flash.");
        System.Func<string, string> array = _ => local;
        System.Func<string, string> index = i => i;
        if (blob.Length <= NanoModelEmitter.LargestArrayBytes)
        {
            writer.WriteLine($"byte[] {local} = {NanoWeightsResource.ClassName}.Read({blob.Offset}, {blob.Length});");
        }
        else
        {
            UsesResourcePages = true;
            const int page = NanoArenaLayout.PageBytes;
            writer.WriteLine($"// More than nanoFramework allocates as one object: read as {(blob.Length + page - 1) / page} arrays of at most {page} bytes.");
            writer.WriteLine($"byte[][] {local} = {NanoWeightsResource.ClassName}.ReadPages({blob.Offset}, {blob.Length}, {page});");
            array = i => $"{local}[({i}) / {page}]";
            index = i => $"({i}) % {page}";
        }
        return Element(type, array, index);
    }

    /// <summary>How a layer reads element <c>i</c> of a constant read from the file as bytes: its array and the index of its first byte, by element index.</summary>
    private static System.Func<string, string> Element(ElementType type, System.Func<string, string> array, System.Func<string, string> index) => type switch
    {
        ElementType.Int8 => i => $"(sbyte){array(i)}[{index(i)}]",
        ElementType.Int32 => i => $"global::System.BitConverter.ToInt32({array($"4 * ({i})")}, {index($"4 * ({i})")})",
        _ => i => $"global::System.BitConverter.ToSingle({array($"4 * ({i})")}, {index($"4 * ({i})")})",
    };

    /// <summary>
    /// Bytes of a weight matrix larger than one nanoFramework object that a layer reading it row by row
    /// (<see cref="WeightRowsPerRead"/>) holds in RAM at a time: few reads from flash, little RAM.
    /// </summary>
    public const int WeightRowsReadBytes = 65_536;

    /// <summary>
    /// How many rows of a [rows, <paramref name="rowLength"/>] weight matrix a layer that reads it row by row should read
    /// from the model file at a time (<see cref="WeightRows"/>): at most <see cref="WeightRowsReadBytes"/>, at least one row;
    /// 0 when it reads the whole matrix at once (<see cref="Weights"/>): from static arrays, or in one object.
    /// </summary>
    public int WeightRowsPerRead(ElementType type, byte[] data, int rowLength)
    {
        int rowBytes = rowLength * type.Size();
        bool fromFile = WeightsFromResource && type is ElementType.Int8 or ElementType.Float32 && FindBlob(data) is not null;
        return !fromFile || data.Length <= NanoModelEmitter.LargestArrayBytes || rowBytes > NanoArenaLayout.PageBytes
            ? 0
            : System.Math.Max(1, WeightRowsReadBytes / rowBytes);
    }

    /// <summary>
    /// Writes the statement that reads rows <paramref name="firstRow"/> to <paramref name="firstRow"/> + <paramref name="rowCount"/>
    /// (C# expressions) of a weight matrix from the model file into the local <paramref name="local"/>; returns how the layer
    /// reads element <c>i</c> of that block (<c>i</c> counted from the block's first row).
    /// </summary>
    public System.Func<string, string> WeightRows(SourceWriter writer, ElementType type, byte[] data, string description, string local, int rowLength, string firstRow, string rowCount)
    {
        ModelBlob blob = FindBlob(data)!;
        int rowBytes = rowLength * type.Size();
        UsesResource = true;
        writer.WriteLine($"// {description}: {blob.Length} bytes at offset {blob.Offset} of the model file, more than nanoFramework allocates as one object: read from flash a block of rows at a time.");
        writer.WriteLine($"byte[] {local} = {NanoWeightsResource.ClassName}.Read({blob.Offset} + {firstRow} * {rowBytes}, {rowCount} * {rowBytes});");
        return Element(type, _ => local, i => i);
    }

    private readonly List<(string Multipliers, string Shifts, ChannelScales Scales)> _derivedTables = new();

    /// <summary>
    /// The per-channel multipliers and exponents a convolution layer derives on the device (RAM, computed once
    /// when the first instance is created) instead of static arrays (flash and RAM): each table's fields and scales.
    /// </summary>
    public IReadOnlyList<(string Multipliers, string Shifts, ChannelScales Scales)> DerivedTables => _derivedTables;

    /// <summary>
    /// Writes the locals <c>multipliers</c> and <c>shifts</c> of a layer with per-channel requantization: its
    /// constants, or, when the layers read the model file and the filter's scales lie in it, static fields the
    /// constructor derives from those scales (<see cref="NanoHelper.ChannelMultipliers"/>), which are not written as constants.
    /// </summary>
    public void ChannelTables(SourceWriter writer, LayerSpec layer, ChannelRequantization requantization)
    {
        if (!WeightsFromResource || requantization.Scales is null)
        {
            writer.WriteLine($"int[] multipliers = {Constant(requantization.Multipliers!)};");
            writer.WriteLine($"int[] shifts = {Constant(requantization.Shifts!)};");
            return;
        }
        UsesResource = true;
        Helper(NanoHelper.ChannelMultipliers);
        RemoveConstant(requantization.Multipliers!);
        RemoveConstant(requantization.Shifts!);
        string name = "_" + char.ToLowerInvariant(MethodName(layer)[0]) + MethodName(layer).Substring(1);
        _derivedTables.Add((name + "Multipliers", name + "Shifts", requantization.Scales));
        writer.WriteLine($"int[] multipliers = {name}Multipliers;");
        writer.WriteLine($"int[] shifts = {name}Shifts;");
    }

    private ModelBlob? FindBlob(byte[] data)
    {
        long hash = ModelBlob.HashOf(data);
        foreach (ModelBlob blob in Model.FileBlobs)
        {
            if (blob.Length == data.Length && blob.Hash == hash)
            {
                return blob;
            }
        }
        return null;
    }

    /// <summary>Why the model cannot be written in this flavor (TM0021, TM0022); empty when it can.</summary>
    public IReadOnlyList<DiagnosticInfo> Diagnostics => _diagnostics.Distinct().ToList();

    /// <summary>The helper groups the layers call, written once into the class.</summary>
    public IEnumerable<NanoHelper> Helpers => _helpers;

    /// <summary>Reports that <paramref name="layer"/> cannot be written for nanoFramework (TM0021); <paramref name="detail"/> says what is missing, or is empty.</summary>
    public void ReportUnsupported(LayerSpec layer, string detail) =>
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NanoFrameworkUnsupported, _sourcePath,
            Model.SourceFileName, layer.OperatorName, layer.NodeIndex, detail.Length == 0 ? string.Empty : " (" + detail + ")"));

    /// <summary>Reports a limit of one nanoFramework assembly the model exceeds (TM0022).</summary>
    public void ReportLimit(string problem) =>
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NanoFrameworkLimit, _sourcePath, Model.SourceFileName, problem));

    /// <summary>Asks for a helper group and returns the name of the nested class that holds it.</summary>
    public string Helper(NanoHelper helper)
    {
        _helpers.Add(helper);
        _helpers.Add(NanoHelper.FixedPoint); // every group builds on it
        return NanoHelpers.ClassName;
    }

    /// <summary>The name of the offset parameter that goes with an array parameter.</summary>
    public static string OffsetName(string arrayName) => arrayName + "Offset";

    /// <summary>
    /// The signature of a layer method: for each input, then each output, its array and the index of its
    /// first element. nanoFramework arrays are always writable, so layer state (a variable tensor) needs no
    /// special form.
    /// </summary>
    public string Signature(LayerSpec layer)
    {
        IEnumerable<string> inputs = layer.Inputs.Select((id, i) => Parameter(Model.Value(id), InputName(i)));
        IEnumerable<string> outputs = layer.Outputs.Select((id, i) => Parameter(Model.Value(id), OutputName(i)));
        return $"private static void {MethodName(layer)}({string.Join(", ", inputs.Concat(outputs))})";
    }

    /// <summary>A tensor's array parameter, or the view over pages of one larger than a page (indexed the same way).</summary>
    private string Parameter(ValueSpec value, string name) =>
        $"{(Arena.IsPaged(value) ? NanoArenaLayout.ViewClass(value.Type) : value.Type.CSharpName() + "[]")} {name}, int {OffsetName(name)}";
}
