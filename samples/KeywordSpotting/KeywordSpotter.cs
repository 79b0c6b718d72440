using System;
using TinyModel;

namespace KeywordSpotting;

/// <summary>
/// TFLM's micro_speech, in C#: one second of 16 kHz audio becomes 49 rows of 40 features (the compiled audio
/// preprocessor, one Invoke per 30 ms window, every 20 ms), and the compiled micro_speech_quantized classifies
/// them as silence, unknown, "yes" or "no". Nothing is allocated per window or per recording.
/// </summary>
public sealed class KeywordSpotter
{
    /// <summary>The audio the models were trained on: 16 kHz.</summary>
    public const int SampleRate = 16000;

    /// <summary>Samples per window (30 ms).</summary>
    public const int WindowSamples = 480;

    /// <summary>Samples between windows (20 ms).</summary>
    public const int StrideSamples = 320;

    /// <summary>Windows per classification: one second of audio.</summary>
    public const int Windows = 49;

    /// <summary>Features per window.</summary>
    public const int FeaturesPerWindow = 40;

    /// <summary>The classifier's labels, in the order of its outputs (micro_model_settings.h).</summary>
    public static readonly string[] Labels = { "silence", "unknown", "yes", "no" };

    private readonly AudioPreprocessorInt8 _preprocessor = new();
    private readonly MicroSpeechQuantized _classifier = new();
    private readonly SlidingWindow<short> _window = new(WindowSamples, StrideSamples);
    private readonly sbyte[] _features = new sbyte[Windows * FeaturesPerWindow];
    private readonly sbyte[] _scores = new sbyte[Labels.Length];

    /// <summary>The features of the last recording: 49 rows of 40, oldest window first.</summary>
    public ReadOnlySpan<sbyte> Features => _features;

    /// <summary>The classifier's int8 scores of the last recording (scale 1/256, zero point -128).</summary>
    public ReadOnlySpan<sbyte> Scores => _scores;

    /// <summary>
    /// Computes the features of one second of audio: the preprocessor's state (its noise estimate) is reset,
    /// then the windows are fed in order, as TFLM's micro_speech_test does. Samples past the 49th window are unused.
    /// </summary>
    public ReadOnlySpan<sbyte> ComputeFeatures(ReadOnlySpan<short> audio)
    {
        _preprocessor.ResetState();
        _window.Clear();
        int row = 0;
        ReadOnlySpan<short> rest = audio;
        while (row < Windows && _window.Fill(ref rest))
        {
            _preprocessor.Invoke(_window.Current, _features.AsSpan(row * FeaturesPerWindow, FeaturesPerWindow));
            _window.Advance();
            row++;
        }
        if (row < Windows)
        {
            throw new ArgumentException($"{audio.Length} samples make {row} windows; one second ({(Windows - 1) * StrideSamples + WindowSamples} samples) makes {Windows}.", nameof(audio));
        }
        return _features;
    }

    /// <summary>Classifies one second of audio: the index of the best label and its probability.</summary>
    public (int Index, float Score) Classify(ReadOnlySpan<short> audio)
    {
        ComputeFeatures(audio);
        _classifier.Invoke(_features, _scores);
        int best = 0;
        for (int i = 1; i < _scores.Length; i++)
        {
            if (_scores[i] > _scores[best])
            {
                best = i;
            }
        }
        TensorInfo output = MicroSpeechQuantized.Outputs[0];
        return (best, output.Dequantize(_scores[best]));
    }
}
