using System.Globalization;

namespace TinyModel.Generator.Common;

/// <summary>C# literals written culture-invariantly (some cultures print U+2212 for minus).</summary>
internal static class Literals
{
    /// <summary>A float as a C# literal that round-trips exactly, such as <c>0.0244801156f</c>.</summary>
    public static string Float(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }
        if (float.IsPositiveInfinity(value))
        {
            return "float.PositiveInfinity";
        }
        if (float.IsNegativeInfinity(value))
        {
            return "float.NegativeInfinity";
        }
        if (value == float.MaxValue)
        {
            return "float.MaxValue";
        }
        if (value == float.MinValue)
        {
            return "float.MinValue";
        }
        return value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }

    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A string as a C# regular string literal.</summary>
    public static string String(string value)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 32 || c == '\u2028' || c == '\u2029' || c == '\u0085')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>Text safe inside an XML doc comment.</summary>
    /// <summary>A float for prose (comments and docs): the shortest round-trip form, without the <c>f</c> suffix.</summary>
    public static string FloatText(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A term added to an expression: <c>" + 5"</c>, <c>" - 128"</c>, or nothing for zero.</summary>
    public static string PlusTerm(long value) => value == 0 ? string.Empty : value > 0 ? " + " + Int(value) : " - " + (-(decimal)value).ToString(CultureInfo.InvariantCulture);

    /// <summary>"1 element", "16 elements".</summary>
    public static string Count(long count, string noun) => Int(count) + " " + (count == 1 ? noun : noun + "s");

    /// <summary>Text for a <c>//</c> comment: line breaks and other control characters (which would end the comment) become spaces.</summary>
    public static string Comment(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(char.IsControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085' ? ' ' : c);
        }
        return builder.ToString();
    }

    public static string Xml(string text) => Comment(text).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
