using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.ControlFlowModels;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the control-flow operators (IF, WHILE, CALL_ONCE) and of resource variables.</summary>
internal static class ControlFlowExamples
{
    /// <summary>IF whose then branch adds its two operands and whose else branch multiplies them.</summary>
    [OperatorExample(BuiltinOperator.If)]
    public static TfliteModelBuilder If(int code, TypeCombination types)
    {
        TfliteType type = OperatorExamples.Tflite(types.Outputs[0]);
        return ControlFlowModels.If(type, new[] { 2, 3 }, Binary("then", BuiltinOperator.Add, type, new[] { 2, 3 }), Binary("else", BuiltinOperator.Mul, type, new[] { 2, 3 }));
    }

    /// <summary>WHILE over a counter and a vector, doubling the vector three times.</summary>
    [OperatorExample(BuiltinOperator.While)]
    public static TfliteModelBuilder While(int code, TypeCombination types) => DoublingLoop(limit: 3, length: 4);

    /// <summary>
    /// CALL_ONCE, VAR_HANDLE and ASSIGN_VARIABLE: an init subgraph assigns a constant to a variable of the combination's
    /// type, and the main graph assigns its input to it; no output.
    /// </summary>
    [OperatorExample(BuiltinOperator.CallOnce)]
    [OperatorExample(BuiltinOperator.VarHandle)]
    [OperatorExample(BuiltinOperator.AssignVariable)]
    public static TfliteModelBuilder Assign(int code, TypeCombination types)
    {
        ElementType type = types.Inputs.Count == 2 ? types.Inputs[1]!.Value : ElementType.Float32;
        TfliteModelBuilder b = CallOnce(new TfliteModelBuilder(), Initializer("state", OperatorExamples.Tflite(type), 3, Zeros(type, 3)));
        if (code == BuiltinOperator.CallOnce)
        {
            return b;
        }
        int x = OperatorExamples.Tensor(b, "x", type, new[] { 3 });
        int handle = VarHandle(b, "state");
        return b.Operator(BuiltinOperator.AssignVariable, new[] { handle, x }, System.Array.Empty<int>()).Inputs(x);
    }

    /// <summary>READ_VARIABLE of a variable of the combination's type that a CALL_ONCE init subgraph assigns.</summary>
    [OperatorExample(BuiltinOperator.ReadVariable)]
    public static TfliteModelBuilder Read(int code, TypeCombination types)
    {
        ElementType type = types.Outputs[0];
        TfliteModelBuilder b = CallOnce(new TfliteModelBuilder(), Initializer("state", OperatorExamples.Tflite(type), 3, Zeros(type, 3)));
        int handle = VarHandle(b, "state");
        int y = OperatorExamples.Tensor(b, "y", type, new[] { 3 });
        return b.Operator(code, new[] { handle }, new[] { y }).Outputs(y);
    }
}
