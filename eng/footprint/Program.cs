// Runs the model once on zeros (so the published binary really contains and executes it) and prints
// its costs for eng/footprint.sh: weight bytes, arena bytes, arena lower bound, MACs.
#if FOOTPRINT_MODEL
using System;
using TinyModel;

ITinyModel model = new Footprint.Model();
int inputBytes = 0, outputBytes = 0;
foreach (TensorInfo input in model.Inputs)
{
    inputBytes += input.ByteCount;
}
foreach (TensorInfo output in model.Outputs)
{
    outputBytes += output.ByteCount;
}
model.InvokeRaw(new byte[inputBytes], new byte[outputBytes]);
Console.WriteLine($"{Footprint.Model.WeightBytes} {Footprint.Model.ArenaBytes} {Footprint.Model.ArenaLowerBoundBytes} {Footprint.Model.MacCount}");
#else
System.Console.WriteLine("no model");
#endif
