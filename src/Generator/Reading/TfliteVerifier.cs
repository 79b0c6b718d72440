using Google.FlatBuffers;

namespace TinyModel.Generator.Reading;

/// <summary>
/// Structural verification of a .tflite flatbuffer with Google.FlatBuffers' <see cref="Verifier"/>,
/// in the form flatc generates: every table, vector and string the reader touches is checked to lie
/// inside the file before anything is read. Field ids follow tensorflow/lite/schema/schema.fbs.
/// </summary>
internal static class TfliteVerifier
{
    /// <summary>The file identifier TFLite writes at byte 4 of every model.</summary>
    public const string FileIdentifier = "TFL3";

    public static bool Verify(ByteBuffer buffer) =>
        new Verifier(buffer, new Options()).VerifyBuffer(FileIdentifier, false, Model);

    private static short Field(int id) => (short)(4 + 2 * id);

    private static bool Model(Verifier v, uint t) =>
        v.VerifyTableStart(t)
        && v.VerifyField(t, Field(0), 4, 4, false)                  // version
        && v.VerifyVectorOfTables(t, Field(1), OperatorCode, false)  // operator_codes
        && v.VerifyVectorOfTables(t, Field(2), SubGraph, false)      // subgraphs
        && v.VerifyString(t, Field(3), false)                        // description
        && v.VerifyVectorOfTables(t, Field(4), Buffer, false)        // buffers
        && v.VerifyTableEnd(t);

    private static bool OperatorCode(Verifier v, uint t) =>
        v.VerifyTableStart(t)
        && v.VerifyField(t, Field(0), 1, 1, false)  // deprecated_builtin_code
        && v.VerifyString(t, Field(1), false)       // custom_code
        && v.VerifyField(t, Field(2), 4, 4, false)  // version
        && v.VerifyField(t, Field(3), 4, 4, false)  // builtin_code
        && v.VerifyTableEnd(t);

    private static bool SubGraph(Verifier v, uint t) =>
        v.VerifyTableStart(t)
        && v.VerifyVectorOfTables(t, Field(0), Tensor, false)    // tensors
        && v.VerifyVectorOfData(t, Field(1), 4, false)           // inputs
        && v.VerifyVectorOfData(t, Field(2), 4, false)           // outputs
        && v.VerifyVectorOfTables(t, Field(3), Operator, false)  // operators
        && v.VerifyString(t, Field(4), false)                    // name
        && v.VerifyTableEnd(t);

    private static bool Tensor(Verifier v, uint t) =>
        v.VerifyTableStart(t)
        && v.VerifyVectorOfData(t, Field(0), 4, false)                      // shape
        && v.VerifyField(t, Field(1), 1, 1, false)                          // type
        && v.VerifyField(t, Field(2), 4, 4, false)                          // buffer
        && v.VerifyString(t, Field(3), false)                               // name
        && v.VerifyTable(t, Field(4), QuantizationParameters, false)        // quantization
        && v.VerifyField(t, Field(5), 1, 1, false)                          // is_variable
        && v.VerifyTable(t, Field(6), AnyTable, false)                      // sparsity (rejected later, not read)
        && v.VerifyVectorOfData(t, Field(7), 4, false)                      // shape_signature
        && v.VerifyTableEnd(t);

    private static bool QuantizationParameters(Verifier v, uint t) =>
        v.VerifyTableStart(t)
        && v.VerifyVectorOfData(t, Field(0), 4, false)  // min
        && v.VerifyVectorOfData(t, Field(1), 4, false)  // max
        && v.VerifyVectorOfData(t, Field(2), 4, false)  // scale
        && v.VerifyVectorOfData(t, Field(3), 8, false)  // zero_point
        && v.VerifyField(t, Field(6), 4, 4, false)      // quantized_dimension
        && v.VerifyTableEnd(t);

    private static bool Operator(Verifier v, uint t) =>
        v.VerifyTableStart(t)
        && v.VerifyField(t, Field(0), 4, 4, false)                        // opcode_index
        && v.VerifyVectorOfData(t, Field(1), 4, false)                    // inputs
        && v.VerifyVectorOfData(t, Field(2), 4, false)                    // outputs
        && v.VerifyUnion(t, Field(3), Field(4), AnyUnionMember, false)    // builtin_options
        && v.VerifyVectorOfData(t, Field(5), 1, false)                    // custom_options
        && v.VerifyVectorOfData(t, Field(7), 1, false)                    // mutating_variable_inputs
        && v.VerifyVectorOfData(t, Field(8), 4, false)                    // intermediates
        && v.VerifyTableEnd(t);

    private static bool Buffer(Verifier v, uint t) =>
        v.VerifyTableStart(t)
        && v.VerifyVectorOfData(t, Field(0), 1, false)  // data
        && v.VerifyField(t, Field(1), 8, 8, false)      // offset
        && v.VerifyField(t, Field(2), 8, 8, false)      // size
        && v.VerifyTableEnd(t);

    // Options tables differ per operator; their fields are read through bounds-checked accessors.
    private static bool AnyUnionMember(Verifier v, byte type, uint t) => AnyTable(v, t);

    private static bool AnyTable(Verifier v, uint t) => v.VerifyTableStart(t) && v.VerifyTableEnd(t);
}
