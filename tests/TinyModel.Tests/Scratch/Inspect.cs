using System;
using System.IO;
using System.Linq;
using System.Text;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Scratch;

public class Inspect
{
    [Fact]
    public void Dump()
    {
        var sb = new StringBuilder();
        var files = Directory.GetFiles(SharedData.ModelsDir, "*.tflite").Concat(Directory.GetFiles(SharedData.OpsDir, "*.tflite")).Order();
        string[] mine = { "SOFTMAX", "AVERAGE_POOL_2D", "MAX_POOL_2D", "MEAN", "PAD", "PADV2", "TRANSPOSE", "STRIDED_SLICE", "CONCATENATION" };
        foreach (var f in files)
        {
            var m = TfliteReader.Read(File.ReadAllBytes(f));
            var g = m.Subgraphs[0];
            foreach (var op in g.Operators)
            {
                string name = m.OperatorCodes[op.OpcodeIndex].Name;
                if (!mine.Contains(name)) continue;
                sb.Append(Path.GetFileNameWithoutExtension(f)).Append(" #").Append(op.Index).Append(' ').Append(name).Append(" v").Append(m.OperatorCodes[op.OpcodeIndex].Version);
                sb.Append(" optType=").Append(op.BuiltinOptionsType);
                if (op.BuiltinOptions is FlatTable t)
                {
                    sb.Append(" opts=[");
                    for (int i = 0; i < 12; i++) if (t.Has(i)) sb.Append($"f{i}:{t.GetInt(i)}/{t.GetFloat(i)}/{t.GetByte(i)} ");
                    sb.Append(']');
                }
                sb.AppendLine();
                foreach (var (io, list) in new[] { ("in", op.Inputs), ("out", op.Outputs) })
                    foreach (int ti in list)
                    {
                        if (ti < 0) { sb.AppendLine($"   {io} -1"); continue; }
                        var tt = g.Tensors[ti];
                        string q = tt.Quantization is { } qq && qq.Scale.Count > 0 ? $" q=({qq.Scale[0]:R},{(qq.ZeroPoint.Count > 0 ? qq.ZeroPoint[0] : 0)})" : "";
                        string data = "";
                        if (tt.Buffer != 0 && m.Buffers[tt.Buffer].Length > 0 && m.Buffers[tt.Buffer].Length <= 64)
                        {
                            var b = m.Buffers[tt.Buffer].ToArray();
                            data = tt.Type switch
                            {
                                TfliteTensorType.Int32 => " data=" + string.Join(",", Enumerable.Range(0, b.Length / 4).Select(i => BitConverter.ToInt32(b, i * 4))),
                                TfliteTensorType.Int64 => " data=" + string.Join(",", Enumerable.Range(0, b.Length / 8).Select(i => BitConverter.ToInt64(b, i * 8))),
                                TfliteTensorType.Int16 => " data=" + string.Join(",", Enumerable.Range(0, b.Length / 2).Select(i => BitConverter.ToInt16(b, i * 2))),
                                _ => " data=" + string.Join(",", b),
                            };
                        }
                        sb.AppendLine($"   {io} t{ti} {tt.Type} [{string.Join(",", tt.Shape)}]{q}{data}");
                    }
            }
        }
        File.WriteAllText("/tmp/inspect.txt", sb.ToString());
    }
}
