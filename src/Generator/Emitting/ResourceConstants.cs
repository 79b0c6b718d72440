using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Emitting;

/// <summary>
/// The large constants of a .NET-flavor class whose model file the build targets embedded as a manifest resource
/// (<see cref="ModelSpec.Embedded"/>): instead of C# initializers, which cost the compiler about 0.5 s and 100 MB per
/// megabyte, each is a span over the resource (<c>TinyModel.ModelResource</c>), opened once by the class's constructor.
/// </summary>
/// <remarks>
/// A constant whose bytes are a constant buffer of the file, as they are, is read in place. One that a kernel reads
/// in another layout is packed once, when the resource is opened, by the TinyModel.Runtime method that packed it at
/// build time (<see cref="ConstantPacking"/>), into an array the class keeps. Any other layout stays inline.
/// </remarks>
internal sealed class ResourceConstants
{
    private static readonly ResourceConstants None = new(null, new List<(int, ConstantSpec)>());

    private readonly EmbeddedModel? _embedded;

    // Each constant taken from the resource, in the model's order: the offset of its bytes in the file (of the model's own bytes, if packed).
    private readonly List<(int Offset, ConstantSpec Constant)> _taken;
    private readonly Dictionary<string, int> _offsets = new();

    private ResourceConstants(EmbeddedModel? embedded, List<(int, ConstantSpec)> taken)
    {
        _embedded = embedded;
        _taken = taken;
        foreach ((int offset, ConstantSpec constant) in taken)
        {
            _offsets[constant.Name] = offset;
        }
    }

    /// <summary>Whether the model file is embedded: the class then opens it in its constructor (<c>Constants.Load()</c>), and checks it even if no constant comes from it.</summary>
    public static bool IsEmbedded(ModelSpec model) => model.Embedded is not null;

    /// <summary>Words for the summary of the constants class.</summary>
    public string Summary => _embedded is null
        ? string.Empty
        : $", of which the embedded model file gives {_taken.Sum(c => (long)c.Constant.Data.Count)}";

    /// <summary>Finds, among <paramref name="constants"/> larger than <paramref name="minimumBytes"/>, those the resource can give.</summary>
    public static ResourceConstants For(ModelSpec model, IReadOnlyList<ConstantSpec> constants, int minimumBytes)
    {
        if (model.Embedded is null)
        {
            return None;
        }
        var blobs = new Dictionary<(int Length, long Hash), int>();
        foreach (ModelBlob blob in model.FileBlobs)
        {
            if (!blobs.ContainsKey((blob.Length, blob.Hash)))
            {
                blobs.Add((blob.Length, blob.Hash), blob.Offset);
            }
        }
        var taken = new List<(int, ConstantSpec)>();
        foreach (ConstantSpec constant in constants.Where(c => c.Data.Count > minimumBytes))
        {
            EquatableArray<byte> bytes = constant.Packing?.Source ?? constant.Data;
            if (blobs.TryGetValue((bytes.Count, ModelBlob.HashOf(bytes.AsImmutableArray().AsSpan())), out int offset))
            {
                taken.Add((offset, constant));
            }
        }
        return new ResourceConstants(model.Embedded, taken);
    }

    /// <summary>Writes the resource's field and <c>Load</c>, which the constructor calls: opens and checks the resource, packs what needs it.</summary>
    public void WriteLoader(SourceWriter writer)
    {
        if (_embedded is not EmbeddedModel embedded)
        {
            return;
        }
        writer.WriteLine($"/// <summary>The model file, embedded by TinyModel's build targets as the manifest resource <c>{Literals.Xml(embedded.ResourceName)}</c> ({embedded.Length} bytes); null until <see cref=\"Load\"/>.</summary>");
        writer.WriteLine("private static global::TinyModel.ModelResource _resource;");
        writer.WriteLine();
        writer.WriteLine("// Two threads constructing the first instances at once open the resource and pack the weights once.");
        writer.WriteLine("private static readonly object Gate = new object();");
        foreach ((int _, ConstantSpec constant) in _taken.Where(c => c.Constant.Packing is not null))
        {
            writer.WriteLine();
            writer.WriteLine($"/// <summary>{Literals.Xml(constant.Description)}: packed from the embedded model file by <see cref=\"Load\"/>.</summary>");
            writer.WriteLine($"private static {constant.Type.CSharpName()}[] {PackedField(constant)};");
        }
        writer.WriteLine();
        writer.WriteLine("/// <summary>Opens the embedded model file, once: checks that it is the file this code was generated from (its length and checksum), and packs the weights whose kernels read another layout.</summary>");
        writer.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\">The resource is missing, or is not the file this code was generated from.</exception>");
        writer.OpenBlock("public static void Load()");
        writer.OpenBlock("if (global::System.Threading.Volatile.Read(ref _resource) != null)");
        writer.WriteLine("return;");
        writer.CloseBlock();
        writer.OpenBlock("lock (Gate)");
        writer.OpenBlock("if (_resource != null)");
        writer.WriteLine("return;");
        writer.CloseBlock();
        writer.WriteLine($"global::TinyModel.ModelResource resource = global::TinyModel.ModelResource.Open(typeof(Constants).Assembly, {Literals.String(embedded.ResourceName)}, {embedded.Length}, {Literals.Int(embedded.Checksum)}L);");
        foreach ((int offset, ConstantSpec constant) in _taken)
        {
            if (constant.Packing is ConstantPacking packing)
            {
                string source = $"resource.Span<{packing.SourceType.CSharpName()}>({offset}, {packing.Source.Count / packing.SourceType.Size()})";
                writer.WriteLine($"{PackedField(constant)} = {string.Format(System.Globalization.CultureInfo.InvariantCulture, packing.Call, source)};");
            }
        }
        writer.WriteLine("global::System.Threading.Volatile.Write(ref _resource, resource);");
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>The field that holds a packed constant: <c>_layer0Weights</c> for <c>Layer0Weights</c>.</summary>
    private static string PackedField(ConstantSpec constant) => "_" + char.ToLowerInvariant(constant.Name[0]) + constant.Name.Substring(1);

    /// <summary>Writes the constant's property if it comes from the resource; false if it stays inline.</summary>
    public bool TryWriteConstant(SourceWriter writer, ConstantSpec constant)
    {
        if (!_offsets.TryGetValue(constant.Name, out int offset))
        {
            return false;
        }
        string type = constant.Type.CSharpName();
        string span = $"{EmitContext.ReadOnlySpan}<{type}>";
        if (constant.Packing is not null)
        {
            writer.WriteLine($"/// <summary>{Literals.Xml(constant.Description)}: packed from bytes {offset} to {offset + constant.Packing.Source.Count} of the embedded model file.</summary>");
            writer.WriteLine($"public static {span} {constant.Name} => {PackedField(constant)};");
            return true;
        }
        writer.WriteLine($"/// <summary>{Literals.Xml(constant.Description)}: bytes {offset} to {offset + constant.Data.Count} of the embedded model file, read in place.</summary>");
        writer.WriteLine($"public static {span} {constant.Name} => _resource.Span<{type}>({offset}, {constant.ElementCount});");
        return true;
    }
}
