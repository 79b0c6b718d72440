using TinyModel.Generator.Common;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Emitting.NanoFramework;

/// <summary>
/// Weights beyond what one nanoFramework assembly's array initializers hold (64 KiB) are read from the model
/// file itself, embedded as a binary resource: nanoFramework keeps resources in flash and
/// <c>ResourceUtility.GetObject(manager, id, offset, length)</c> copies one chunk into RAM. TinyModel's build
/// targets write the files of an assembly's models as byte-array entries of one <c>.resources</c> file and embed it
/// (the generator cannot add resources); this class fixes the names both sides use, and writes the reader into the model's class.
/// </summary>
internal static class NanoWeightsResource
{
    /// <summary>
    /// The build targets embed the model file of a NanoFramework-flavor model when it is larger than this
    /// (TinyModelNanoFrameworkResourceMinBytes in TinyModel.Generator.targets; keep the two equal), and the
    /// generator reads weights from it only when the model's constant buffers are larger: a file of at most this
    /// size is never embedded, and its weights always fit the assembly's array initializers.
    /// </summary>
    public const int MinimumFileBytes = 32_768;

    /// <summary>Whether the build targets embed the model's file: its constant buffers alone exceed <see cref="MinimumFileBytes"/>.</summary>
    public static bool IsEmbedded(ModelSpec model)
    {
        long bytes = 0;
        foreach (ModelBlob blob in model.FileBlobs)
        {
            bytes += blob.Length;
        }
        return bytes > MinimumFileBytes;
    }

    /// <summary>The nested class that reads chunks of the resource.</summary>
    public const string ClassName = "WeightsResource";

    /// <summary>
    /// The base name of the one resource file that holds every embedded model of an assembly (embedded as
    /// <c>TinyModel.Models.resources</c>). One file, not one per model: nanoFramework's metadata processor sorts
    /// the entries of all resource files by id, so an assembly with two resource files finds the wrong entries.
    /// </summary>
    public const string ResourceName = "TinyModel.Models";

    /// <summary>A model's entry in the resource: <c>TinyModel.</c> and the model's file name, such as <c>TinyModel.person_detect.tflite</c>.</summary>
    public static string EntryName(ModelSpec model) => "TinyModel." + model.SourceFileName;

    /// <summary>
    /// The 16-bit id nanoFramework's metadata processor gives a resource entry, from its name (its
    /// <c>GenerateIdFromResourceName</c>): the code asks for the entry by this id.
    /// </summary>
    public static short Id(string name)
    {
        unchecked
        {
            int hash1 = (5381 << 16) + 5381;
            int hash2 = hash1;
            for (int i = 0; i < name.Length; i++)
            {
                if (i % 2 == 0)
                {
                    hash1 = ((hash1 << 5) + hash1) ^ name[i];
                }
                else
                {
                    hash2 = ((hash2 << 5) + hash2) ^ name[i];
                }
            }
            int hash = hash1 + (hash2 * 1566083941);
            return (short)((short)(hash >> 16) ^ (short)hash);
        }
    }

    /// <summary>Writes the reader class; <paramref name="pages"/> adds <c>ReadPages</c>, for constants larger than one nanoFramework object.</summary>
    public static void Write(SourceWriter writer, ModelSpec model, bool pages)
    {
        string name = EntryName(model);
        writer.WriteLine($"/// <summary>Reads the weights of the large layers from the model file, embedded by TinyModel's build targets as the entry <c>{Literals.Xml(name)}</c> of the binary resource <c>{ResourceName}.resources</c>: it stays in flash, and each layer copies its weights into RAM while it runs.</summary>");
        writer.OpenBlock($"private static class {ClassName}");
        writer.WriteLine("/// <summary>The id nanoFramework gives the resource's entry (a hash of its name).</summary>");
        writer.OpenBlock("private enum Entry : short");
        writer.WriteLine($"Model = {Id(name)},");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("private static global::System.Resources.ResourceManager _manager;");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Copies <paramref name=\"length\"/> bytes of the model file, from <paramref name=\"offset\"/>, into a new array.</summary>");
        writer.OpenBlock("public static byte[] Read(int offset, int length)");
        writer.OpenBlock("if (_manager == null)");
        writer.WriteLine($"_manager = new global::System.Resources.ResourceManager({Literals.String(ResourceName)}, typeof({ClassName}).Assembly);");
        writer.CloseBlock();
        writer.WriteLine("return (byte[])global::nanoFramework.Runtime.Native.ResourceUtility.GetObject(_manager, Entry.Model, offset, length);");
        writer.CloseBlock();
        if (pages)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary>Copies <paramref name=\"length\"/> bytes of the model file into arrays of <paramref name=\"pageLength\"/> bytes (the last may be shorter): more than one object nanoFramework allocates.</summary>");
            writer.OpenBlock("public static byte[][] ReadPages(int offset, int length, int pageLength)");
            writer.WriteLine("byte[][] pages = new byte[(length + pageLength - 1) / pageLength][];");
            writer.OpenBlock("for (int p = 0; p < pages.Length; p++)");
            writer.WriteLine("int at = p * pageLength;");
            writer.WriteLine("pages[p] = Read(offset + at, length - at < pageLength ? length - at : pageLength);");
            writer.CloseBlock();
            writer.WriteLine("return pages;");
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}
