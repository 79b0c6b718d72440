using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using TinyModel.Tests.Infrastructure;
using NanoWeights = TinyModel.Generator.Emitting.NanoFramework.NanoWeightsResource;

namespace TinyModel.Tests.NanoFramework;

/// <summary>
/// Writes the test program that runs a nanoFramework-flavor model on golden cases: C# 10 against
/// nanoFramework's mscorlib alone (it also compiles for .NET). <c>Program.Run()</c> invokes a fresh
/// instance per case on inputs embedded as literals and returns one line per output, its bytes in hex
/// (little-endian), and the ticks Invoke took; <c>Main</c> prints them and then <see cref="DoneLine"/>,
/// because nanoCLR exits 0 even after an unhandled exception.
/// </summary>
internal static class NanoFrameworkProgram
{
    public const string DoneLine = "TINYMODEL-NANO-DONE";

    public const string ClassName = "NanoTest.Program";

    /// <summary>The program for several models (each a class of the assembly), each on its cases, in order.</summary>
    /// <param name="models">The models, their classes and the cases to run.</param>
    /// <param name="resourceEntries">Receives the entry of the assembly's resource that holds the inputs too large to embed as literals (the initializer table holds 64 KiB), if any.</param>
    public static string Source(IEnumerable<(string Key, string ModelClass, GoldenModel Golden, IReadOnlyList<int> Cases)> models, List<(string Name, byte[] Content)> resourceEntries)
    {
        var large = new List<byte>();
        var s = new StringBuilder();
        s.AppendLine("namespace NanoTest");
        s.AppendLine("{");
        s.AppendLine("public static class Program");
        s.AppendLine("{");
        s.AppendLine("    public static void Main()");
        s.AppendLine("    {");
        s.AppendLine("        global::System.Console.WriteLine(Run());");
        s.AppendLine($"        global::System.Console.WriteLine(\"{DoneLine}\");");
        s.AppendLine("    }");
        s.AppendLine();
        s.AppendLine("    public static string Run()");
        s.AppendLine("    {");
        s.AppendLine("        string result = \"\";");
        var list = models.ToList();
        for (int m = 0; m < list.Count; m++)
        {
            s.AppendLine($"        result = result + Model{m}();");
        }
        s.AppendLine("        return result;");
        s.AppendLine("    }");
        s.AppendLine();
        s.AppendLine($"    private enum InputId : short {{ All = {NanoWeights.Id(InputsResource)} }}");
        s.AppendLine();
        s.AppendLine("    private static byte[] Input(int offset, int length)");
        s.AppendLine("    {");
        s.AppendLine($"        var manager = new global::System.Resources.ResourceManager(\"{NanoWeights.ResourceName}\", typeof(Program).Assembly);");
        s.AppendLine("        return (byte[])global::nanoFramework.Runtime.Native.ResourceUtility.GetObject(manager, InputId.All, offset, length);");
        s.AppendLine("    }");
        // One method per model keeps each method's locals and IL small (nanoFramework allows 255 locals).
        for (int m = 0; m < list.Count; m++)
        {
            s.AppendLine();
            s.AppendLine($"    private static string Model{m}()");
            s.AppendLine("    {");
            s.AppendLine("        string result = \"\";");
            foreach (int c in list[m].Cases)
            {
                WriteCase(s, list[m].Key, list[m].ModelClass, list[m].Golden, c, large);
            }
            s.AppendLine("        return result;");
            s.AppendLine("    }");
        }
        foreach (string type in new[] { "sbyte", "byte", "short", "int", "float" })
        {
            s.AppendLine();
            s.AppendLine($"    private static string Hex({type}[] values)");
            s.AppendLine("    {");
            s.AppendLine($"        const int size = {ElementSize(type)};");
            s.AppendLine("        char[] text = new char[values.Length * size * 2];");
            s.AppendLine("        for (int i = 0; i < values.Length; i++)");
            s.AppendLine("        {");
            s.AppendLine(type == "float"
                ? "            byte[] bytes = global::System.BitConverter.GetBytes(values[i]);"
                : "            long v = values[i];");
            s.AppendLine("            for (int b = 0; b < size; b++)");
            s.AppendLine("            {");
            s.AppendLine(type == "float" ? "                int x = bytes[b];" : "                int x = (int)((v >> (8 * b)) & 0xFF);");
            s.AppendLine("                text[(i * size + b) * 2] = \"0123456789abcdef\"[x >> 4];");
            s.AppendLine("                text[(i * size + b) * 2 + 1] = \"0123456789abcdef\"[x & 15];");
            s.AppendLine("            }");
            s.AppendLine("        }");
            s.AppendLine("        return new string(text);");
            s.AppendLine("    }");
        }
        s.AppendLine("}");
        s.AppendLine("}");
        if (large.Count > 0)
        {
            resourceEntries.Add((InputsResource, large.ToArray()));
        }
        return s.ToString();
    }

    /// <summary>One case: a fresh instance, the inputs as literals, Invoke timed, each output as a line.</summary>
    private static void WriteCase(StringBuilder s, string key, string modelClass, GoldenModel golden, int c, List<byte> large)
    {
        s.AppendLine("        {");
        s.AppendLine($"            {modelClass} model = new {modelClass}();");
        var arguments = new List<string>();
        for (int i = 0; i < golden.Inputs.Count; i++)
        {
            GoldenTensor t = golden.Inputs[i];
            if (t.Bytes <= LiteralLimitBytes)
            {
                s.AppendLine($"            {CSharpType(t.DType)}[] input{i} = new {CSharpType(t.DType)}[] {{ {Literals(t.DType, golden.Input(c, i))} }};");
            }
            else
            {
                // Read from the one resource that holds all large inputs, as the generated code reads weights.
                s.AppendLine($"            byte[] raw{i} = Input({large.Count}, {t.Bytes});");
                large.AddRange(golden.Input(c, i));
                s.AppendLine($"            {CSharpType(t.DType)}[] input{i} = new {CSharpType(t.DType)}[{t.Bytes / ElementSize(t.DType)}];");
                s.AppendLine($"            for (int k = 0; k < input{i}.Length; k++)");
                s.AppendLine("            {");
                s.AppendLine($"                input{i}[k] = {FromBytes(t.DType, $"raw{i}", "k")};");
                s.AppendLine("            }");
            }
            arguments.Add("input" + i);
        }
        for (int o = 0; o < golden.Outputs.Count; o++)
        {
            GoldenTensor t = golden.Outputs[o];
            s.AppendLine($"            {CSharpType(t.DType)}[] output{o} = new {CSharpType(t.DType)}[{t.Bytes / ElementSize(t.DType)}];");
            arguments.Add("output" + o);
        }
        s.AppendLine("            long start = global::System.DateTime.UtcNow.Ticks;");
        s.AppendLine($"            model.Invoke({string.Join(", ", arguments)});");
        s.AppendLine("            long ticks = global::System.DateTime.UtcNow.Ticks - start;");
        for (int o = 0; o < golden.Outputs.Count; o++)
        {
            s.AppendLine($"            result = result + \"{key} case {c} output {o} \" + Hex(output{o}) + \" ticks \" + ticks.ToString() + \"\\n\";");
        }
        // Each case's instance is garbage before the next one's arena is allocated (mobilenet_v2's is 2.75 MB; nanoCLR's heap here about 9.5 MB).
        s.AppendLine("            model = null!;");
        s.AppendLine("        }");
    }

    /// <summary>Reads the program's lines back: (model, case, output) → bytes, and the ticks of each model's case.</summary>
    public static (Dictionary<(string Key, int Case, int Output), byte[]> Outputs, Dictionary<(string Key, int Case), long> Ticks) Parse(string text)
    {
        var outputs = new Dictionary<(string, int, int), byte[]>();
        var ticks = new Dictionary<(string, int), long>();
        foreach (string line in text.Split('\n'))
        {
            string[] parts = line.Trim().Split(' ');
            if (parts.Length == 8 && parts[1] == "case" && parts[3] == "output" && parts[6] == "ticks")
            {
                int c = int.Parse(parts[2], CultureInfo.InvariantCulture);
                outputs[(parts[0], c, int.Parse(parts[4], CultureInfo.InvariantCulture))] = Convert.FromHexString(parts[5]);
                ticks[(parts[0], c)] = long.Parse(parts[7], CultureInfo.InvariantCulture);
            }
        }
        return (outputs, ticks);
    }

    /// <summary>The entry of the assembly's resource (beside the models') that holds the large inputs back to back.</summary>
    private const string InputsResource = "TinyModel.TestInputs";

    /// <summary>Inputs up to this size are embedded as array literals; larger ones in <see cref="InputsResource"/>.</summary>
    private const int LiteralLimitBytes = 8192;

    private static string FromBytes(string dtype, string array, string k) => dtype switch
    {
        "int8" => $"(sbyte){array}[{k}]",
        "uint8" => $"{array}[{k}]",
        "int16" => $"global::System.BitConverter.ToInt16({array}, 2 * {k})",
        "int32" => $"global::System.BitConverter.ToInt32({array}, 4 * {k})",
        "float32" => $"global::System.BitConverter.ToSingle({array}, 4 * {k})",
        _ => throw new NotSupportedException(dtype),
    };

    private static string CSharpType(string dtype) => dtype switch
    {
        "int8" => "sbyte",
        "uint8" => "byte",
        "int16" => "short",
        "int32" => "int",
        "float32" => "float",
        _ => throw new NotSupportedException($"The nanoFramework test program does not handle {dtype} tensors yet."),
    };

    private static int ElementSize(string type) => type switch
    {
        "int16" or "short" => 2,
        "int32" or "int" or "float32" or "float" => 4,
        _ => 1,
    };

    private static string Literals(string dtype, byte[] bytes) => dtype switch
    {
        "int8" => string.Join(", ", bytes.Select(b => ((sbyte)b).ToString(CultureInfo.InvariantCulture))),
        "uint8" => string.Join(", ", bytes.Select(b => b.ToString(CultureInfo.InvariantCulture))),
        "int16" => string.Join(", ", Enumerable.Range(0, bytes.Length / 2).Select(i => BitConverter.ToInt16(bytes, i * 2).ToString(CultureInfo.InvariantCulture))),
        "int32" => string.Join(", ", Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToInt32(bytes, i * 4).ToString(CultureInfo.InvariantCulture))),
        "float32" => string.Join(", ", Enumerable.Range(0, bytes.Length / 4).Select(i => global::TinyModel.Generator.Common.Literals.Float(BitConverter.ToSingle(bytes, i * 4)))),
        _ => throw new NotSupportedException(dtype),
    };
}
