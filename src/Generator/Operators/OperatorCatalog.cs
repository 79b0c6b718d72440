using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.ControlFlow;
using TinyModel.Generator.Operators.Convolution;
using TinyModel.Generator.Operators.DataMovement;
using TinyModel.Generator.Operators.ElementwiseBinary;
using TinyModel.Generator.Operators.ElementwiseUnary;
using TinyModel.Generator.Operators.Normalization;
using TinyModel.Generator.Operators.Pooling;
using TinyModel.Generator.Operators.Recurrent;
using TinyModel.Generator.Operators.Reduction;
using TinyModel.Generator.Operators.Signal;
using TinyModel.Generator.Operators.Variables;
using TinyModel.Generator.Reading;
using TinyModel.Generator.Operators.Resizing;

namespace TinyModel.Generator.Operators;

/// <summary>
/// The operators TinyModel compiles: one <see cref="OperatorDefinition"/> per TFLite builtin. Lowering
/// finds an operator's definition here by code, emitting finds a layer's by name, and diagnostics and
/// the README's table list these definitions.
/// </summary>
internal static class OperatorCatalog
{
    /// <summary>Every definition, one per builtin code.</summary>
    public static IReadOnlyList<OperatorDefinition> Definitions { get; } = new OperatorDefinition[]
    {
        // ElementwiseUnary
        new LeakyRelu(),
        new Relu(),
        new Relu6(),
        new Logistic(),
        new Tanh(),
        new Quantize(),
        new Dequantize(),
        new Abs(),
        new Neg(),
        new Square(),
        new Sqrt(),
        new Rsqrt(),
        new Exp(),
        new Log(),
        new Sin(),
        new Cos(),
        new Floor(),
        new Ceil(),
        new Round(),
        new LogicalNot(),
        new HardSwish(),
        new Elu(),
        new Cast(),
        // ElementwiseBinary
        new Add(),
        new Sub(),
        new Mul(),
        new Maximum(),
        new Minimum(),
        new SquaredDifference(),
        new Equal(),
        new NotEqual(),
        new Greater(),
        new GreaterEqual(),
        new Less(),
        new LessEqual(),
        new LogicalAnd(),
        new LogicalOr(),
        new SelectV2(),
        new FloorDiv(),
        new FloorMod(),
        new Prelu(),
        new AddN(),
        new Div(),
        // Recurrent
        new Svdf(),
        new UnidirectionalSequenceLstm(),
        // Convolution
        new Conv2D(),
        new DepthwiseConv2D(),
        new FullyConnected(),
        new TransposeConv(),
        new BatchMatMul(),
        // DataMovement
        new Reshape(),
        new Squeeze(),
        new ExpandDims(),
        new Pad(),
        new PadV2(),
        new Transpose(),
        new StridedSlice(),
        new Concatenation(),
        new Slice(),
        new Split(),
        new SplitV(),
        new Pack(),
        new Unpack(),
        new ReverseV2(),
        new MirrorPad(),
        new DepthToSpace(),
        new SpaceToDepth(),
        new BatchToSpaceNd(),
        new SpaceToBatchNd(),
        new BroadcastTo(),
        new Fill(),
        new ZerosLike(),
        new Shape(),
        new Gather(),
        new GatherNd(),
        new EmbeddingLookup(),
        new DynamicUpdateSlice(),
        new BroadcastArgs(),
        // Resizing
        new ResizeNearestNeighbor(),
        new ResizeBilinear(),
        // Pooling
        new AveragePool2D(),
        new MaxPool2D(),
        new L2Pool2D(),
        // Reduction
        new Reduce(ReduceKind.Mean),
        new Reduce(ReduceKind.Sum),
        new Reduce(ReduceKind.Max),
        new Reduce(ReduceKind.Min),
        new Reduce(ReduceKind.All),
        new ArgMinMax(maximum: true),
        new ArgMinMax(maximum: false),
        new CumSum(),
        // Normalization
        new Softmax(),
        new LogSoftmax(),
        new L2Normalization(),
        // Signal (TFLM's signal-library custom operators)
        new SignalWindow(),
        new SignalFftAutoScale(),
        new SignalRfft(),
        new SignalEnergy(),
        new SignalFilterBank(),
        new SignalFilterBankSquareRoot(),
        new SignalFilterBankSpectralSubtraction(),
        new SignalPcan(),
        new SignalFilterBankLog(),
        // ControlFlow (multi-subgraph models) and Variables (resource variables)
        new If(),
        new While(),
        new CallOnce(),
        new VarHandle(),
        new ReadVariable(),
        new AssignVariable(),
    };

    private static readonly Dictionary<int, OperatorDefinition> ByCode =
        Definitions.Where(d => d.CustomCode is null).ToDictionary(d => d.Code);

    private static readonly Dictionary<string, OperatorDefinition> ByCustomCode =
        Definitions.Where(d => d.CustomCode is not null).ToDictionary(d => d.CustomCode!, StringComparer.Ordinal);

    private static readonly Dictionary<string, OperatorDefinition> ByName = Definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>The definition of a builtin operator, or null when TinyModel does not compile it.</summary>
    public static OperatorDefinition? Find(int code) => ByCode.TryGetValue(code, out OperatorDefinition? definition) ? definition : null;

    /// <summary>The definition of an operator code of a model: a builtin by its code, a custom operator by its custom code.</summary>
    public static OperatorDefinition? Find(TfliteOperatorCode code) =>
        code.BuiltinCode != BuiltinOperator.Custom ? Find(code.BuiltinCode)
        : code.CustomCode is not null && ByCustomCode.TryGetValue(code.CustomCode, out OperatorDefinition? definition) ? definition : null;

    /// <summary>The definition that lowered <paramref name="layer"/>, which also emits it.</summary>
    public static OperatorDefinition ForLayer(LayerSpec layer) =>
        ByName.TryGetValue(layer.OperatorName, out OperatorDefinition? definition)
            ? definition
            : throw new InvalidOperationException($"No operator definition named {layer.OperatorName} for {layer.GetType().Name}.");

    /// <summary>The supported operators' names, comma-separated, for diagnostics.</summary>
    public static string SupportedNames => string.Join(", ", Definitions.Select(d => d.Name).OrderBy(n => n, StringComparer.Ordinal));
}
