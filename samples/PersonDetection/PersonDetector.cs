using System;
using System.Runtime.InteropServices;
using TinyModel;

namespace PersonDetection;

/// <summary>
/// TFLM's person_detection example in C#: a 96x96 gray image goes into the compiled person_detect model, which
/// scores "no person" and "person". The pixel bytes are fed as they are, reinterpreted as int8, exactly as TFLM's
/// person_detection_test.cc copies them (so 200 reads as -56). Nothing is allocated per image.
/// </summary>
public sealed class PersonDetector
{
    /// <summary>The image size the model takes.</summary>
    public const int Size = 96;

    /// <summary>The model's labels, in the order of its outputs (model_settings.cc).</summary>
    public static readonly string[] Labels = { "no person", "person" };

    private readonly PersonDetect _model = new();
    private readonly sbyte[] _scores = new sbyte[2];

    /// <summary>The int8 scores of the last image: no person, person.</summary>
    public ReadOnlySpan<sbyte> Scores => _scores;

    /// <summary>Runs the model on 96x96 gray pixels, top row first; returns whether it sees a person and the probability of its answer.</summary>
    public (bool Person, float Score) Detect(ReadOnlySpan<byte> gray)
    {
        _model.Invoke(MemoryMarshal.Cast<byte, sbyte>(gray), _scores);
        bool person = _scores[1] > _scores[0];
        return (person, PersonDetect.Outputs[0].Dequantize(_scores[person ? 1 : 0]));
    }
}
