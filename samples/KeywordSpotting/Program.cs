// TinyModel's keyword spotting: TensorFlow Lite Micro's micro_speech example in C#. Each WAV file (one second
// of 16 kHz, 16-bit mono audio) goes through the compiled audio preprocessor window by window, then the
// compiled classifier; the label with the highest score is printed.
// The test recordings are from tensorflow/tflite-micro (Apache-2.0), in ../shared/media.
using System;
using System.IO;
using KeywordSpotting;

string[] files = args.Length > 0 ? args : new[]
{
    "../../../shared/media/yes_1000ms.wav", "../../../shared/media/no_1000ms.wav",
    "../../../shared/media/silence_1000ms.wav", "../../../shared/media/noise_1000ms.wav",
};

var spotter = new KeywordSpotter();
Console.WriteLine($"TinyModel keyword spotting: audio preprocessor ({AudioPreprocessorInt8.ArenaBytes} bytes of arena) + micro_speech ({MicroSpeechQuantized.ArenaBytes} bytes of arena)");
int status = 0;
foreach (string file in files)
{
    try
    {
        (short[] samples, int sampleRate) = WavReader.Read(file);
        if (sampleRate != KeywordSpotter.SampleRate)
        {
            throw new InvalidDataException($"{Path.GetFileName(file)} is sampled at {sampleRate} Hz; the models take {KeywordSpotter.SampleRate} Hz.");
        }
        (int index, float score) = spotter.Classify(samples);
        Console.WriteLine($"{Path.GetFileName(file),-20} {KeywordSpotter.Labels[index],-8} {score:F3}");
    }
    catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"{file}: {e.Message}");
        status = 1;
    }
}
return status;
