namespace TinyModel.Generator.Reading;

/// <summary>TensorFlow Lite's <c>TensorType</c> (schema.fbs).</summary>
internal enum TfliteTensorType : byte
{
    Float32 = 0,
    Float16 = 1,
    Int32 = 2,
    UInt8 = 3,
    Int64 = 4,
    String = 5,
    Bool = 6,
    Int16 = 7,
    Complex64 = 8,
    Int8 = 9,
    Float64 = 10,
    Complex128 = 11,
    UInt64 = 12,
    Resource = 13,
    Variant = 14,
    UInt32 = 15,
    UInt16 = 16,
    Int4 = 17,
    BFloat16 = 18,
}

/// <summary>The builtin operator codes TinyModel refers to by name (schema.fbs <c>BuiltinOperator</c>).</summary>
internal static class BuiltinOperator
{
    public const int Add = 0;
    public const int AveragePool2D = 1;
    public const int Concatenation = 2;
    public const int Conv2D = 3;
    public const int DepthwiseConv2D = 4;
    public const int Dequantize = 6;
    public const int Floor = 8;
    public const int FullyConnected = 9;
    public const int L2Normalization = 11;
    public const int Logistic = 14;
    public const int MaxPool2D = 17;
    public const int Mul = 18;
    public const int Relu = 19;
    public const int ReluN1To1 = 20;
    public const int Relu6 = 21;
    public const int Reshape = 22;
    public const int Softmax = 25;
    public const int Svdf = 27;
    public const int Tanh = 28;
    public const int Custom = 32;
    public const int Pad = 34;
    public const int Transpose = 39;
    public const int Mean = 40;
    public const int Sub = 41;
    public const int Div = 42;
    public const int Squeeze = 43;
    public const int UnidirectionalSequenceLstm = 44;
    public const int StridedSlice = 45;
    public const int Exp = 47;
    public const int LogSoftmax = 50;
    public const int Cast = 53;
    public const int Prelu = 54;
    public const int Maximum = 55;
    public const int Minimum = 57;
    public const int Less = 58;
    public const int Neg = 59;
    public const int Greater = 61;
    public const int GreaterEqual = 62;
    public const int LessEqual = 63;
    public const int Sin = 66;
    public const int TransposeConv = 67;
    public const int ExpandDims = 70;
    public const int Equal = 71;
    public const int NotEqual = 72;
    public const int Log = 73;
    public const int Sum = 74;
    public const int Sqrt = 75;
    public const int Rsqrt = 76;
    public const int ReduceMax = 82;
    public const int LogicalOr = 84;
    public const int LogicalAnd = 86;
    public const int LogicalNot = 87;
    public const int ReduceMin = 89;
    public const int FloorDiv = 90;
    public const int Square = 92;
    public const int ZerosLike = 93;
    public const int FloorMod = 95;
    public const int LeakyRelu = 98;
    public const int SquaredDifference = 99;
    public const int Abs = 101;
    public const int AddN = 106;
    public const int Ceil = 104;
    public const int Cos = 108;
    public const int Elu = 111;
    public const int Quantize = 114;
    public const int Round = 116;
    public const int HardSwish = 117;
    public const int If = 118;
    public const int While = 119;
    public const int SelectV2 = 123;
    public const int CallOnce = 129;
    public const int PlaceholderForGreaterOpCodes = 127;
    public const int ReduceAll = 140;
    public const int VarHandle = 142;
    public const int ReadVariable = 143;
    public const int AssignVariable = 144;
}

/// <summary>TensorFlow Lite's <c>ActivationFunctionType</c>, fused into many operators.</summary>
internal enum FusedActivation : byte
{
    None = 0,
    Relu = 1,
    ReluN1To1 = 2,
    Relu6 = 3,
    Tanh = 4,
    SignBit = 5,
}

/// <summary>TensorFlow Lite's <c>Padding</c> for convolutions and pooling.</summary>
internal enum PaddingKind : byte
{
    Same = 0,
    Valid = 1,
}
