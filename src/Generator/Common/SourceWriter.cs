using System;
using System.Text;

namespace TinyModel.Generator.Common;

/// <summary>An indented text writer for generated C#, in the style of the .NET runtime's generators.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter(int indentation = 0) => _indent = indentation;

    public int Indentation => _indent;

    public void Indent() => _indent++;

    public void Unindent()
    {
        if (_indent == 0)
        {
            throw new InvalidOperationException("Unbalanced indentation in generated code.");
        }
        _indent--;
    }

    /// <summary>Writes one line at the current indentation; an empty string writes an empty line.</summary>
    public void WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _indent; i++)
            {
                _builder.Append(IndentUnit);
            }
            _builder.Append(line);
        }
        _builder.Append('\n');
    }

    /// <summary>Writes an opening brace and indents.</summary>
    public void OpenBlock(string? header = null)
    {
        if (header is not null)
        {
            WriteLine(header);
        }
        WriteLine("{");
        Indent();
    }

    /// <summary>Unindents and writes a closing brace.</summary>
    public void CloseBlock(string suffix = "")
    {
        Unindent();
        WriteLine("}" + suffix);
    }

    /// <summary>Appends raw text without indentation (for large, pre-formatted constant data).</summary>
    public void WriteRaw(string text) => _builder.Append(text);

    public override string ToString() => _builder.ToString();
}
