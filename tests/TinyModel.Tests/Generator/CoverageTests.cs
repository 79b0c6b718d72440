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
/// docs/coverage.md: TinyModel's operators against TFLM's builtin catalog, operator by operator and type by
/// type, written from the generator's catalog and ../shared/opsets/README.md (the operators TinyModel lacked
/// when that set was made, with the types TFLM's kernels accept). It cannot drift: regenerate it with
/// <c>TINYMODEL_UPDATE_DOCS=1 dotnet test tests/TinyModel.Tests -c Release --filter CoverageTests</c>.
/// </summary>
public class CoverageTests
{
    private static readonly string[] TypeColumns = { "float32", "int8", "int16", "int32", "int64", "uint8", "bool" };

    [Fact]
    public void CoverageTableMatchesTheCatalog()
    {
        string path = Path.Combine(SharedData.RepositoryRoot, "docs", "coverage.md");
        string expected = Document();
        if (Environment.GetEnvironmentVariable("TINYMODEL_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(File.Exists(path) && File.ReadAllText(path).Replace("\r\n", "\n") == expected,
            "docs/coverage.md differs from the operator catalog; regenerate it with TINYMODEL_UPDATE_DOCS=1 (see this class's summary).");
    }

    private static string Document()
    {
        Dictionary<string, string[]> tflm = TflmTypesFromOpsets();
        var compiled = OperatorCatalog.Definitions.Where(d => d.CustomCode is null).ToDictionary(d => d.Name, StringComparer.Ordinal);
        var names = compiled.Keys.Concat(tflm.Keys).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();

        var text = new StringBuilder();
        text.Append("# Operator coverage: TinyModel against TFLM's builtin catalog\n\n");
        text.Append("Written by `tests/TinyModel.Tests/Generator/CoverageTests.cs` from the generator's operator catalog and\n");
        text.Append("`../shared/opsets/README.md` (TFLM's accepted types for the operators that set covers); do not edit by hand.\n\n");
        text.Append($"TinyModel compiles {compiled.Count} of the {names.Count} builtins listed here; ");
        text.Append($"{names.Count(n => !compiled.ContainsKey(n))} remain (issue 11).\n\n");
        text.Append("| Operator | TinyModel | TFLM's kernel accepts (../shared/opsets) |\n|---|---|---|\n");
        foreach (string name in names)
        {
            string ours = compiled.TryGetValue(name, out OperatorDefinition? d) ? d.Types.Describe() : "not yet";
            string theirs = tflm.TryGetValue(name, out string[]? types) ? string.Join(", ", types) : "(in the real models; see TFLM)";
            text.Append($"| `{name}` | {ours} | {theirs} |\n");
        }
        text.Append("\n## Custom operators\n\nRecognized by their custom code; TFLM's signal library (the audio front end of micro_speech, ../shared/signal).\n\n");
        text.Append("| Custom code | TinyModel |\n|---|---|\n");
        foreach (OperatorDefinition custom in OperatorCatalog.Definitions.Where(d => d.CustomCode is not null).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            text.Append($"| `{custom.Name}` | {custom.Types.Describe()} |\n");
        }
        return text.ToString();
    }

    /// <summary>Operator → the types with at least one model in the opsets coverage table.</summary>
    private static Dictionary<string, string[]> TflmTypesFromOpsets()
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(Path.Combine(SharedData.Root, "opsets", "README.md")))
        {
            string[] cells = line.Split('|').Select(c => c.Trim()).ToArray();
            // | group | op | float32 | int8 | int16 | int32 | int64 | uint8 | bool | variants |
            if (cells.Length < 12 || !int.TryParse(cells[1], out _))
            {
                continue;
            }
            string[] types = TypeColumns.Where((_, i) => cells[3 + i].Length > 0).ToArray();
            foreach (string op in cells[2].Split('+'))
            {
                result[op] = types;
            }
        }
        return result;
    }
}
