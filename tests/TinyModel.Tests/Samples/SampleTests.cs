using System;
using System.IO;
using System.Linq;
using KeywordSpotting;
using PersonDetection;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Samples;

/// <summary>
/// The two samples against TFLM's answers on the real recordings and photos of ../shared/media: the keyword
/// sample's features are byte for byte micro_speech_quantized's golden inputs (cases 3 and 4), its labels
/// and scores are TFLM's; the person sample's scores are person_detect's golden outputs (cases 3 and 4).
/// </summary>
public class SampleTests
{
    private static string Media(string file) => Path.Combine(SharedData.MediaDir, file);

    private static string Golden(string model, string file) => Path.Combine(SharedData.GoldenDir, model, file);

    [Theory]
    [InlineData("yes_1000ms.wav", 3)]
    [InlineData("no_1000ms.wav", 4)]
    public void KeywordFeaturesAreTheGoldenClassifierInputs(string recording, int goldenCase)
    {
        (short[] samples, int rate) = WavReader.Read(Media(recording));
        Assert.Equal(KeywordSpotter.SampleRate, rate);
        byte[] features = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new KeywordSpotter().ComputeFeatures(samples)).ToArray();
        Assert.Equal(File.ReadAllBytes(Golden("micro_speech_quantized", $"case{goldenCase}.input0.bin")), features);
    }

    [Theory]
    [InlineData("yes_1000ms.wav", "yes", new sbyte[] { -128, -128, 127, -128 })]
    [InlineData("no_1000ms.wav", "no", new sbyte[] { -128, -114, -128, 114 })]
    [InlineData("silence_1000ms.wav", "silence", new sbyte[] { -42, -68, -68, -78 })]
    [InlineData("noise_1000ms.wav", "silence", new sbyte[] { 120, -125, -126, -125 })]
    public void KeywordLabelsAndScoresAreTflms(string recording, string label, sbyte[] scores)
    {
        var spotter = new KeywordSpotter();
        (short[] samples, _) = WavReader.Read(Media(recording));
        // Twice on one spotter: each recording starts from a reset noise estimate.
        for (int run = 0; run < 2; run++)
        {
            (int index, float score) = spotter.Classify(samples);
            Assert.Equal(label, KeywordSpotter.Labels[index]);
            Assert.Equal(scores, spotter.Scores.ToArray());
            Assert.Equal((scores[index] + 128) / 256f, score);
        }
    }

    [Fact]
    public void KeywordSpottingAllocatesNothingPerRecording()
    {
        var spotter = new KeywordSpotter();
        (short[] samples, _) = WavReader.Read(Media("yes_1000ms.wav"));
        spotter.Classify(samples);
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            spotter.Classify(samples);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void WavReaderRefusesAnythingButPcm16Mono()
    {
        byte[] wav = File.ReadAllBytes(Media("yes_1000ms.wav"));
        byte[] stereo = (byte[])wav.Clone();
        stereo[22] = 2; // channels
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(stereo, "stereo.wav"));
        Assert.Contains("2 channels", e.Message);
        Assert.Contains("16-bit PCM mono only", e.Message);

        byte[] floats = (byte[])wav.Clone();
        floats[20] = 3; // IEEE float
        Assert.Contains("IEEE float", Assert.Throws<InvalidDataException>(() => WavReader.Read(floats, "float.wav")).Message);
        Assert.Contains("not a WAV file", Assert.Throws<InvalidDataException>(() => WavReader.Read(new byte[100], "zeros.wav")).Message);
        Assert.Contains("past the end", Assert.Throws<InvalidDataException>(() => WavReader.Read(wav.AsSpan(0, 100).ToArray(), "cut.wav")).Message);
    }

    [Theory]
    [InlineData("person.bmp", true, 3)]
    [InlineData("no_person.bmp", false, 4)]
    public void PersonDetectionGivesTflmsScores(string image, bool person, int goldenCase)
    {
        (byte[] pixels, int width, int height) = BmpReader.ReadGray(Media(image));
        Assert.Equal((96, 96), (width, height));
        // The rows come out top-down: the golden input is the file's pixel rows in reverse order.
        Assert.Equal(File.ReadAllBytes(Golden("person_detect", $"case{goldenCase}.input0.bin")), pixels);

        var detector = new PersonDetector();
        (bool detected, _) = detector.Detect(pixels);
        Assert.Equal(person, detected);
        byte[] expected = File.ReadAllBytes(Golden("person_detect", $"case{goldenCase}.output0.bin"));
        Assert.Equal(expected.Select(b => (sbyte)b).ToArray(), detector.Scores.ToArray());
    }

    [Fact]
    public void PersonDetectionAllocatesNothingPerImage()
    {
        (byte[] pixels, _, _) = BmpReader.ReadGray(Media("person.bmp"));
        var detector = new PersonDetector();
        detector.Detect(pixels);
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            detector.Detect(pixels);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TwentyFourBitImagesBecomeGrayAndOtherSizesAreResized()
    {
        // A 2x2 24-bit BMP, bottom-up: bottom row red, white; top row black, gray 128.
        byte[] bmp = new byte[54 + 2 * 8];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BitConverter.GetBytes(54).CopyTo(bmp, 10);
        BitConverter.GetBytes(40).CopyTo(bmp, 14);
        BitConverter.GetBytes(2).CopyTo(bmp, 18);
        BitConverter.GetBytes(2).CopyTo(bmp, 22);
        BitConverter.GetBytes((short)24).CopyTo(bmp, 28);
        byte[] bottom = { 0, 0, 255, 255, 255, 255, 0, 0 };
        byte[] top = { 0, 0, 0, 128, 128, 128, 0, 0 };
        bottom.CopyTo(bmp, 54);
        top.CopyTo(bmp, 62);
        (byte[] pixels, int width, int height) = BmpReader.ReadGray(bmp, "tiny.bmp");
        Assert.Equal((2, 2), (width, height));
        Assert.Equal(new byte[] { 0, 128, 76, 255 }, pixels);
        Assert.Equal(new byte[] { 0, 0, 128, 128, 0, 0, 128, 128, 76, 76, 255, 255, 76, 76, 255, 255 }, BmpReader.ResizeNearest(pixels, 2, 2, 4, 4));

        bmp[28] = 32;
        Assert.Contains("32-bit", Assert.Throws<InvalidDataException>(() => BmpReader.ReadGray(bmp, "rgba.bmp")).Message);
    }
}
