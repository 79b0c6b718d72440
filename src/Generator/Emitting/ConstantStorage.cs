using TinyModel.Generator.Common;

namespace TinyModel.Generator.Emitting;

/// <summary>
/// How generated code holds constant arrays (weights, tables, <c>LayerMacCounts</c>), chosen by the
/// consuming project's optimization level.
/// </summary>
/// <remarks>
/// <c>static ReadOnlySpan&lt;T&gt; X =&gt; new T[] { ... }</c> is stored in the assembly's data section and read in
/// place. For one-byte <c>T</c> the compiler wraps the data directly; for wider <c>T</c> it calls
/// <c>RuntimeHelpers.CreateSpan</c>, which the JIT expands only in optimized code: in a Debug build every
/// read allocates a field-info stub (dotnet/runtime#122336), so an Invoke that reads its weights would
/// allocate on every call. Debug builds therefore keep wide constants in static readonly arrays, initialized
/// once from the same data.
/// </remarks>
internal enum ConstantStorage
{
    /// <summary>Optimized builds: spans over the data section, no copy at start-up.</summary>
    DataSection,

    /// <summary>Debug builds: arrays of more than one byte per element are copied once into static fields.</summary>
    StaticArrays,
}

internal static class ConstantStorageExtensions
{
    /// <summary>
    /// Writes <c>static ReadOnlySpan&lt;T&gt; name</c> over the array initializer whose elements are <paramref name="elements"/>
    /// (written inline when short, one line each when they hold line breaks already).
    /// </summary>
    public static void WriteSpanProperty(this ConstantStorage storage, SourceWriter writer, string modifiers, string elementType, string name, string elements)
    {
        bool multiLine = elements.IndexOf('\n') >= 0;
        bool oneByte = elementType is "byte" or "sbyte" or "bool";
        string span = $"{EmitContext.ReadOnlySpan}<{elementType}>";
        if (storage == ConstantStorage.DataSection || oneByte)
        {
            WriteInitializer(writer, $"{modifiers} static {span} {name} => new {elementType}[]", elements, multiLine);
            return;
        }
        writer.WriteLine($"{modifiers} static {span} {name} => {name}Array;");
        WriteInitializer(writer, $"private static readonly {elementType}[] {name}Array = new {elementType}[]", elements, multiLine);
    }

    private static void WriteInitializer(SourceWriter writer, string head, string elements, bool multiLine)
    {
        if (!multiLine)
        {
            writer.WriteLine($"{head} {{ {elements} }};");
            return;
        }
        writer.WriteLine(head);
        writer.WriteLine("{");
        writer.WriteRaw(elements);
        writer.WriteLine("};");
    }
}
