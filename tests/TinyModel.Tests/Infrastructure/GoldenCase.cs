using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace TinyModel.Tests.Infrastructure;

/// <summary>
/// A sequence case of a golden model (meta.json <c>sequences</c>): <see cref="Steps"/> consecutive Invokes of ONE
/// instance, step s reading the s-th slice of each input file, the outputs of all steps concatenated.
/// </summary>
public sealed record GoldenSequence(string Name, int Steps);

/// <summary>One tensor of a golden model's meta.json.</summary>
public sealed record GoldenTensor(string DType, int[] Shape, int Bytes, float Scale, int ZeroPoint);

/// <summary>
/// The golden data of one model in ../shared/golden: what TensorFlow Lite Micro's reference interpreter
/// computed for each case (see golden/README.md for the layout).
/// </summary>
public sealed class GoldenModel
{
    private GoldenModel(string name, string directory, IReadOnlyList<GoldenTensor> inputs, IReadOnlyList<GoldenTensor> outputs, int cases, int tflmArenaBytes,
        IReadOnlyList<GoldenSequence> sequences)
    {
        Sequences = sequences;
        Name = name;
        Directory = directory;
        Inputs = inputs;
        Outputs = outputs;
        CaseCount = cases;
        TflmArenaBytes = tflmArenaBytes;
    }

    public string Name { get; }

    public string Directory { get; }

    public IReadOnlyList<GoldenTensor> Inputs { get; }

    public IReadOnlyList<GoldenTensor> Outputs { get; }

    /// <summary>The number of cases: case0..case2 are random, case3 and up (where present) real inputs.</summary>
    public int CaseCount { get; }

    public int TflmArenaBytes { get; }

    /// <summary>The sequence cases (stateful models run over consecutive windows), empty for most models.</summary>
    public IReadOnlyList<GoldenSequence> Sequences { get; }

    public static GoldenModel Load(string directory)
    {
        using JsonDocument meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "meta.json")));
        JsonElement root = meta.RootElement;
        // meta.json says how many cases TFLM wrote; a folder with fewer (a failed copy) must fail, not pass on what is left.
        int cases = root.GetProperty("cases").GetInt32();
        int present = System.IO.Directory.GetFiles(directory, "case*.input0.bin").Length;
        if (present != cases)
        {
            throw new InvalidDataException($"{directory}: meta.json lists {cases} golden cases, but {present} have input files.");
        }
        return new GoldenModel(
            Path.GetFileName(directory),
            directory,
            ReadTensors(root.GetProperty("inputs")),
            ReadTensors(root.GetProperty("outputs")),
            cases,
            root.TryGetProperty("tflm_arena_used_bytes", out JsonElement arena) ? arena.GetInt32() : 0,
            root.TryGetProperty("sequences", out JsonElement sequences)
                ? sequences.EnumerateArray().Select(q => new GoldenSequence(q.GetProperty("name").GetString()!, q.GetProperty("steps").GetInt32())).ToList()
                : new List<GoldenSequence>());
    }

    /// <summary>The inputs of step <paramref name="step"/> of a sequence, back to back (each input's own slice of its file).</summary>
    public byte[] SequenceInputs(GoldenSequence sequence, int step) =>
        Enumerable.Range(0, Inputs.Count).SelectMany(i => SequenceSlice(sequence, $"input{i}", Inputs[i].Bytes, step)).ToArray();

    /// <summary>The concatenated outputs TFLM gave for output <paramref name="index"/> over all the steps of a sequence.</summary>
    public byte[] SequenceOutput(GoldenSequence sequence, int index) =>
        File.ReadAllBytes(Path.Combine(Directory, $"{sequence.Name}.output{index}.bin"));

    private byte[] SequenceSlice(GoldenSequence sequence, string file, int bytes, int step)
    {
        byte[] all = File.ReadAllBytes(Path.Combine(Directory, $"{sequence.Name}.{file}.bin"));
        if (all.Length != sequence.Steps * bytes)
        {
            throw new InvalidDataException($"{Directory}: {sequence.Name}.{file}.bin has {all.Length} bytes, not {sequence.Steps} steps of {bytes}.");
        }
        return all.AsSpan(step * bytes, bytes).ToArray();
    }

    public byte[] Input(int testCase, int index) => File.ReadAllBytes(Path.Combine(Directory, $"case{testCase}.input{index}.bin"));

    public byte[] Output(int testCase, int index) => File.ReadAllBytes(Path.Combine(Directory, $"case{testCase}.output{index}.bin"));

    /// <summary>All inputs of a case, back to back (the layout of <see cref="ITinyModel.InvokeRaw"/>).</summary>
    public byte[] ConcatenatedInputs(int testCase) => Enumerable.Range(0, Inputs.Count).SelectMany(i => Input(testCase, i)).ToArray();

    private static IReadOnlyList<GoldenTensor> ReadTensors(JsonElement array) =>
        array.EnumerateArray().Select(t => new GoldenTensor(
            t.GetProperty("dtype").GetString()!,
            t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
            t.GetProperty("bytes").GetInt32(),
            t.TryGetProperty("scale", out JsonElement s) && s.ValueKind == JsonValueKind.Number ? s.GetSingle() : 0f,
            t.TryGetProperty("zero_point", out JsonElement z) && z.ValueKind == JsonValueKind.Number ? z.GetInt32() : 0)).ToList();
}
