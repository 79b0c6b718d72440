// TinyModel's person detection: TensorFlow Lite Micro's person_detection example in C#. Each BMP (96x96 gray, or
// 24-bit color converted to gray, other sizes resized by nearest neighbour) goes through the compiled
// person_detect model, which says whether it sees a person.
// The test images are from tensorflow/tflite-micro (Apache-2.0), in ../shared/media.
using System;
using System.IO;
using PersonDetection;

string[] files = args.Length > 0 ? args : new[] { "../../../shared/media/person.bmp", "../../../shared/media/no_person.bmp" };

var detector = new PersonDetector();
Console.WriteLine($"TinyModel person detection: person_detect ({PersonDetect.ArenaBytes} bytes of arena, {PersonDetect.WeightBytes} bytes of weights)");
int status = 0;
foreach (string file in files)
{
    try
    {
        (byte[] pixels, int width, int height) = BmpReader.ReadGray(file);
        if (width != PersonDetector.Size || height != PersonDetector.Size)
        {
            pixels = BmpReader.ResizeNearest(pixels, width, height, PersonDetector.Size, PersonDetector.Size);
        }
        (bool person, float score) = detector.Detect(pixels);
        Console.WriteLine($"{Path.GetFileName(file),-16} {(person ? "person" : "no person"),-10} {score:F3}");
    }
    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"{file}: {e.Message}");
        status = 1;
    }
}
return status;
