using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TinyModel.Generator.Operators;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// The README's table of supported operators is written from the generator's own operator catalog, so it
/// cannot drift. After adding an operator, regenerate it:
/// <c>TINYMODEL_UPDATE_README=1 dotnet test tests/TinyModel.Tests -c Release --filter ReadmeTests</c>.
/// </summary>
public class ReadmeTests
{
    private const string Begin = "<!-- supported-operators:begin (generated from OperatorCatalog; see tests/TinyModel.Tests/Generator/ReadmeTests.cs) -->";
    private const string End = "<!-- supported-operators:end -->";

    [Fact]
    public void SupportedOperatorTableMatchesTheRegistry()
    {
        string path = Path.Combine(SharedData.RepositoryRoot, "README.md");
        string readme = File.ReadAllText(path);
        int begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md must contain the markers {Begin} and {End}.");

        string expected = Begin + "\n" + Table() + End;
        string actual = readme.Substring(begin, end + End.Length - begin).Replace("\r\n", "\n");
        if (actual != expected && Environment.GetEnvironmentVariable("TINYMODEL_UPDATE_README") == "1")
        {
            File.WriteAllText(path, readme.Substring(0, begin) + expected + readme.Substring(end + End.Length));
            return;
        }
        Assert.True(actual == expected,
            "README.md's operator table differs from OperatorCatalog. Regenerate it with TINYMODEL_UPDATE_README=1 (see this class's summary).\nExpected:\n" + expected);
    }

    private static string Table()
    {
        var table = new StringBuilder();
        table.Append("| Operator | Types |\n|---|---|\n");
        Rows(table, OperatorCatalog.Definitions.Where(d => d.CustomCode is null));
        table.Append("\nCustom operators, recognized by their custom code (their options are read from the FlexBuffer map TFLite stores):\n\n");
        table.Append("| Custom code | Types |\n|---|---|\n");
        Rows(table, OperatorCatalog.Definitions.Where(d => d.CustomCode is not null));
        return table.ToString();
    }

    private static void Rows(StringBuilder table, IEnumerable<OperatorDefinition> definitions)
    {
        foreach (OperatorDefinition definition in definitions.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            string notes = definition.Notes.Length > 0 ? $" ({definition.Notes})" : string.Empty;
            table.Append($"| `{definition.Name}` | {definition.Types.Describe()}{notes} |\n");
        }
    }
}
