using System.IO;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators;

/// <summary>Helpers of the convolution tests: compiling a model built in memory.</summary>
internal static class ConvolutionTestSupport
{
    /// <summary>Writes <paramref name="model"/> to a temporary .tflite file and compiles it with <see cref="InMemoryModel"/>.</summary>
    public static InMemoryModel Compile(byte[] model, string name)
    {
        string directory = Path.Combine(Path.GetTempPath(), "tinymodel-tests");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"{name}_{System.Guid.NewGuid():N}.tflite");
        File.WriteAllBytes(path, model);
        try
        {
            return InMemoryModel.Compile(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
