using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace TinyModel.Generator.Common;

/// <summary>Turns model and tensor names into C# identifiers.</summary>
internal static class Identifiers
{
    /// <summary>
    /// A file name in PascalCase: <c>hello_world_int8</c> becomes <c>HelloWorldInt8</c>. Words split at
    /// anything that is not a letter or digit; a name that would start with a digit gets a <c>Model</c> prefix.
    /// </summary>
    public static string ToPascalCase(string name)
    {
        var builder = new StringBuilder();
        foreach (string word in SplitWords(name))
        {
            builder.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
        }
        string result = builder.ToString();
        if (result.Length == 0 || char.IsDigit(result[0]))
        {
            result = "Model" + result;
        }
        return result;
    }

    /// <summary>A tensor name as a camelCase parameter name: <c>serving_default_dense_input:0</c> becomes <c>servingDefaultDenseInput</c>.</summary>
    public static string ToParameterName(string tensorName, string fallback)
    {
        // TFLite appends ":0" to names of graph endpoints; it carries no meaning for a caller.
        int colon = tensorName.LastIndexOf(':');
        if (colon > 0 && tensorName.Substring(colon + 1).All(char.IsDigit))
        {
            tensorName = tensorName.Substring(0, colon);
        }
        string pascal = ToPascalCase(tensorName);
        if (pascal.StartsWith("Model", System.StringComparison.Ordinal) && !tensorName.StartsWith("model", System.StringComparison.OrdinalIgnoreCase))
        {
            return fallback;
        }
        string camel = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return camel.Length > 48 || !IsValidIdentifier(camel) ? fallback : camel;
    }

    /// <summary>Makes every name unique by appending a number to repeats, and to names in <paramref name="taken"/>.</summary>
    public static IReadOnlyList<string> Deduplicate(IEnumerable<string> names, IEnumerable<string>? taken = null)
    {
        var seen = new HashSet<string>(taken ?? Enumerable.Empty<string>());
        var result = new List<string>();
        foreach (string name in names)
        {
            string candidate = name;
            for (int i = 2; !seen.Add(candidate); i++)
            {
                candidate = name + i;
            }
            result.Add(candidate);
        }
        return result;
    }

    public static bool IsValidIdentifier(string name) =>
        SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None
        && SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.None;

    public static bool IsValidNamespace(string name) => name.Split('.').All(IsValidIdentifier);

    private static IEnumerable<string> SplitWords(string name)
    {
        var word = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c) && c < 128)
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}
