// Writes a synthetic .tflite with the given megabytes of float32 weights (one FULLY_CONNECTED layer,
// random weights), for eng/build-time.sh. Usage: dotnet run eng/tools/WriteLargeModel.cs -- <path> <MB>
#:project ../../tests/TinyModel.Tests/TinyModel.Tests.csproj
using System;
using System.IO;
using TinyModel.Tests.Infrastructure;

string path = args[0];
int megabytes = int.Parse(args[1]);
const int Depth = 2048;
int units = megabytes * 1024 * 1024 / (Depth * sizeof(float));
var random = new Random(20);
byte[] weights = new byte[units * Depth * sizeof(float)];
for (int i = 0; i < units * Depth; i++)
{
    BitConverter.TryWriteBytes(weights.AsSpan(i * sizeof(float)), (float)(random.NextDouble() - 0.5));
}
var b = new TfliteModelBuilder();
int input = b.Tensor("input", TfliteType.Float32, new[] { 1, Depth });
int w = b.Constant("weights", TfliteType.Float32, new[] { units, Depth }, weights);
int output = b.Tensor("output", TfliteType.Float32, new[] { 1, units });
File.WriteAllBytes(path, b.Operator(9, new[] { input, w, -1 }, new[] { output }).Inputs(input).Outputs(output).Build());
Console.WriteLine($"{path}: FULLY_CONNECTED float32 {Depth} -> {units}, {weights.Length:N0} bytes of weights");
