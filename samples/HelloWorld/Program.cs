// TinyModel's hello world: TensorFlow Lite Micro's sine model, compiled to C# at build time twice,
// once from the float32 model and once from the int8 one, printed side by side with sin(x).
using System;
using HelloWorld;
using TinyModel;

var floatModel = new HelloWorldFloat();
var int8Model = new HelloWorldInt8();

// The int8 model works on quantized values; its metadata says how to convert.
TensorInfo int8Input = HelloWorldInt8.Inputs[0];
TensorInfo int8Output = HelloWorldInt8.Outputs[0];

Console.WriteLine("TinyModel hello_world: y = sin(x), learned by a 3-layer network");
Console.WriteLine($"  float32 model: {HelloWorldFloat.WeightBytes} bytes of weights, {HelloWorldFloat.ArenaBytes} bytes of arena");
Console.WriteLine($"  int8 model:    {HelloWorldInt8.WeightBytes} bytes of weights, {HelloWorldInt8.ArenaBytes} bytes of arena");
Console.WriteLine();
Console.WriteLine("     x     sin(x)    float32       int8");

Span<float> x = stackalloc float[1];
Span<float> y = stackalloc float[1];
Span<sbyte> qx = stackalloc sbyte[1];
Span<sbyte> qy = stackalloc sbyte[1];
const int Steps = 20;
for (int i = 0; i <= Steps; i++)
{
    x[0] = 2 * MathF.PI * i / Steps;
    floatModel.Invoke(x, y);

    qx[0] = (sbyte)int8Input.Quantize(x[0]);
    int8Model.Invoke(qx, qy);
    float int8Result = int8Output.Dequantize(qy[0]);

    Console.WriteLine($"{x[0],6:F3} {MathF.Sin(x[0]),10:F4} {y[0],10:F4} {int8Result,10:F4}");
}
