using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Emitting.NanoFramework;

/// <summary>
/// The arena arrays of a nanoFramework-flavor class and where each tensor lies in them. nanoFramework cannot
/// reinterpret memory, so the arena is one array per element type, as long as the plan's highest end of a tensor of
/// that type, and the plan's byte offsets become element indices. When such an array would exceed the largest object
/// nanoFramework allocates (<see cref="NanoModelEmitter.LargestArrayBytes"/>), the plan is made with pages of
/// <see cref="PageBytes"/> (<see cref="ModelSpec.ArenaPageBytes"/>) and each page is an array of its own: a tensor
/// that fits in a page lies inside one and is passed as that array and an index, as before; a larger one starts at a
/// page and is passed as a view over its consecutive pages (<c>Int8Pages</c> and the like, nested in the class), which
/// layers index like an array.
/// </summary>
internal sealed class NanoArenaLayout
{
    /// <summary>The page size of a paged arena: the largest object of a 32-bit device, down to the plan's alignment.</summary>
    public const int PageBytes = NanoModelEmitter.LargestArrayBytes / Planning.ArenaPlanner.Alignment * Planning.ArenaPlanner.Alignment;

    private readonly ModelSpec _model;

    public NanoArenaLayout(ModelSpec model)
    {
        _model = model;
        int page = model.ArenaPageBytes;
        var arena = model.Values.Where(v => v.Storage == StorageKind.Arena).ToList();
        foreach (IGrouping<ElementType, ValueSpec> group in arena.GroupBy(v => v.Type).OrderBy(g => g.Key))
        {
            ElementType type = group.Key;
            int size = type.Size();
            if (page == 0)
            {
                Arrays.Add((type, "_arena" + type, group.Max(v => (v.Offset + v.ByteCount) / size)));
                continue;
            }
            // A page of this type is allocated when a tensor of this type lies in it, as long as the last such tensor reaches.
            var ends = new SortedDictionary<int, int>();
            foreach (ValueSpec value in group)
            {
                for (int k = value.Offset / page; k <= (value.Offset + System.Math.Max(value.ByteCount, 1) - 1) / page; k++)
                {
                    int end = System.Math.Min(value.Offset + value.ByteCount, (k + 1) * page) - k * page;
                    ends[k] = ends.TryGetValue(k, out int known) ? System.Math.Max(known, end) : end;
                }
            }
            foreach (KeyValuePair<int, int> end in ends)
            {
                Arrays.Add((type, PageField(type, end.Key), end.Value / size));
            }
            foreach (IGrouping<int, ValueSpec> start in group.Where(v => v.ByteCount > page).GroupBy(v => v.Offset / page).OrderBy(g => g.Key))
            {
                int pages = start.Max(v => (v.ByteCount + page - 1) / page);
                Views.Add((type, ViewField(type, start.Key), Enumerable.Range(start.Key, pages).Select(k => PageField(type, k)).ToList()));
            }
        }
    }

    /// <summary>Whether the values planned in one arena would need an array larger than nanoFramework allocates.</summary>
    public static bool NeedsPages(IEnumerable<ValueSpec> values) =>
        values.Where(v => v.Storage == StorageKind.Arena).GroupBy(v => v.Type).Any(g => (long)g.Max(v => v.Offset + v.ByteCount) > NanoModelEmitter.LargestArrayBytes);

    /// <summary>The arena arrays: element type, field and length, in declaration order.</summary>
    public List<(ElementType Type, string Field, int Elements)> Arrays { get; } = new();

    /// <summary>The views over consecutive pages that the tensors larger than a page are passed as: element type, field and pages.</summary>
    public List<(ElementType Type, string Field, List<string> Pages)> Views { get; } = new();

    /// <summary>Bytes of RAM the arena arrays take.</summary>
    public int Bytes => Arrays.Sum(a => a.Elements * a.Type.Size());

    /// <summary>Whether the arena is split into pages.</summary>
    public bool Paged => _model.ArenaPageBytes > 0;

    /// <summary>Whether a value is larger than a page, so layers see it through a view (<see cref="ViewClass"/>).</summary>
    public bool IsPaged(ValueSpec value) => Paged && value.Storage == StorageKind.Arena && value.ByteCount > _model.ArenaPageBytes;

    /// <summary>The class of the views over pages of one element type, such as <c>Int8Pages</c>.</summary>
    public static string ViewClass(ElementType type) => type + "Pages";

    /// <summary>The array (or view) an arena value lies in and the index of its first element.</summary>
    public (string Array, int Offset) Locate(ValueSpec value)
    {
        int size = value.Type.Size();
        if (!Paged)
        {
            return ("_arena" + value.Type, value.Offset / size);
        }
        int page = value.Offset / _model.ArenaPageBytes;
        return IsPaged(value)
            ? (ViewField(value.Type, page), 0)
            : (PageField(value.Type, page), (value.Offset - page * _model.ArenaPageBytes) / size);
    }

    /// <summary>
    /// The class whose static <c>Copy(source, index, destination, index, length)</c> a layer copies runs with:
    /// <c>System.Array</c>, or the view class when one of the layer's tensors is larger than a page.
    /// </summary>
    public string CopyClass(LayerSpec layer)
    {
        ValueSpec? paged = layer.Inputs.Concat(layer.Outputs).Select(_model.Value).FirstOrDefault(IsPaged);
        return paged is null ? "global::System.Array" : ViewClass(paged.Type);
    }

    private static string PageField(ElementType type, int page) => $"_arena{type}Page{page}";

    private static string ViewField(ElementType type, int page) => $"_arena{type}From{page}";

    /// <summary>Declares the arena arrays and views as fields.</summary>
    public void WriteFields(SourceWriter writer)
    {
        foreach ((ElementType type, string field, int elements) in Arrays)
        {
            writer.WriteLine($"private readonly {type.CSharpName()}[] {field} = new {type.CSharpName()}[{elements}]; // {elements * type.Size()} bytes");
        }
        foreach ((ElementType type, string field, List<string> pages) in Views)
        {
            writer.WriteLine($"private readonly {ViewClass(type)} {field}; // pages {string.Join(", ", pages)} as one tensor");
        }
    }

    /// <summary>Creates the views, in the constructor (they refer to the page fields).</summary>
    public void WriteViewCreation(SourceWriter writer)
    {
        foreach ((ElementType type, string field, List<string> pages) in Views)
        {
            writer.WriteLine($"{field} = new {ViewClass(type)}(new {type.CSharpName()}[][] {{ {string.Join(", ", pages)} }}, {_model.ArenaPageBytes / type.Size()});");
        }
    }

    /// <summary>Writes the view classes the model's views use.</summary>
    public void WriteViewClasses(SourceWriter writer)
    {
        foreach (ElementType type in Views.Select(v => v.Type).Distinct().OrderBy(t => t))
        {
            string name = ViewClass(type), element = type.CSharpName();
            foreach (string line in ViewSource.Replace("\r", string.Empty).Trim('\n').Replace("NAME", name).Replace("ELEMENT", element).Replace("TYPE", type.ModelName()).Split('\n'))
            {
                if (line.Length == 0)
                {
                    writer.WriteLine();
                }
                else
                {
                    writer.WriteLine(line);
                }
            }
            writer.WriteLine();
        }
    }

    private const string ViewSource = @"
/// <summary>
/// A TYPE tensor larger than the largest object nanoFramework allocates: consecutive arena pages of equal length
/// (the last may be shorter), indexed as one array.
/// </summary>
private sealed class NAME
{
    private readonly ELEMENT[][] _pages;
    private readonly int _pageLength;

    public NAME(ELEMENT[][] pages, int pageLength)
    {
        _pages = pages;
        _pageLength = pageLength;
    }

    /// <summary>The tensor's element <paramref name=""index""/>.</summary>
    public ELEMENT this[int index]
    {
        get { return _pages[index / _pageLength][index % _pageLength]; }
        set { _pages[index / _pageLength][index % _pageLength] = value; }
    }

    /// <summary>Copies <paramref name=""length""/> elements into pages, one <c>Array.Copy</c> per page.</summary>
    public static void Copy(ELEMENT[] source, int sourceIndex, NAME destination, int destinationIndex, int length)
    {
        while (length > 0)
        {
            int at = destinationIndex % destination._pageLength;
            int run = length < destination._pageLength - at ? length : destination._pageLength - at;
            global::System.Array.Copy(source, sourceIndex, destination._pages[destinationIndex / destination._pageLength], at, run);
            sourceIndex += run;
            destinationIndex += run;
            length -= run;
        }
    }

    /// <summary>Copies <paramref name=""length""/> elements out of pages, one <c>Array.Copy</c> per page.</summary>
    public static void Copy(NAME source, int sourceIndex, ELEMENT[] destination, int destinationIndex, int length)
    {
        while (length > 0)
        {
            int at = sourceIndex % source._pageLength;
            int run = length < source._pageLength - at ? length : source._pageLength - at;
            global::System.Array.Copy(source._pages[sourceIndex / source._pageLength], at, destination, destinationIndex, run);
            sourceIndex += run;
            destinationIndex += run;
            length -= run;
        }
    }

    /// <summary>Copies <paramref name=""length""/> elements from pages to pages.</summary>
    public static void Copy(NAME source, int sourceIndex, NAME destination, int destinationIndex, int length)
    {
        while (length > 0)
        {
            int at = sourceIndex % source._pageLength;
            int run = length < source._pageLength - at ? length : source._pageLength - at;
            Copy(source._pages[sourceIndex / source._pageLength], at, destination, destinationIndex, run);
            sourceIndex += run;
            destinationIndex += run;
            length -= run;
        }
    }

    /// <summary>Copies between two plain arrays (a layer whose other tensors are larger than a page).</summary>
    public static void Copy(ELEMENT[] source, int sourceIndex, ELEMENT[] destination, int destinationIndex, int length)
    {
        global::System.Array.Copy(source, sourceIndex, destination, destinationIndex, length);
    }
}";
}
