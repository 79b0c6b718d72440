namespace TinyModel.Generator.Reading;

/// <summary>
/// Structural verification of a .tflite flatbuffer, in the form flatc generates: every table, vector and
/// string the reader touches is checked to lie inside the file before anything is read, and every field
/// of every table (operator options included) to lie inside its table. Field ids follow
/// tensorflow/lite/schema/schema.fbs.
/// </summary>
internal static class TfliteVerifier
{
    /// <summary>The file identifier TFLite writes at byte 4 of every model.</summary>
    public const string FileIdentifier = "TFL3";

    public static bool Verify(byte[] file) => new FlatBufferVerifier(file).VerifyBuffer(Model);

    private static bool Model(FlatBufferVerifier v, int position) =>
        v.TableStart(position, out var t)
        && v.Scalar(t, 0, 4)                           // version
        && v.VectorOfTables(t, 1, OperatorCode)        // operator_codes
        && v.VectorOfTables(t, 2, SubGraph)            // subgraphs
        && v.String(t, 3)                              // description
        && v.VectorOfTables(t, 4, Buffer)              // buffers
        && v.TableEnd();

    private static bool OperatorCode(FlatBufferVerifier v, int position) =>
        v.TableStart(position, out var t)
        && v.Scalar(t, 0, 1)   // deprecated_builtin_code
        && v.String(t, 1)      // custom_code
        && v.Scalar(t, 2, 4)   // version
        && v.Scalar(t, 3, 4)   // builtin_code
        && v.TableEnd();

    private static bool SubGraph(FlatBufferVerifier v, int position) =>
        v.TableStart(position, out var t)
        && v.VectorOfTables(t, 0, Tensor)      // tensors
        && v.VectorOfData(t, 1, 4)             // inputs
        && v.VectorOfData(t, 2, 4)             // outputs
        && v.VectorOfTables(t, 3, Operator)    // operators
        && v.String(t, 4)                      // name
        && v.TableEnd();

    private static bool Tensor(FlatBufferVerifier v, int position) =>
        v.TableStart(position, out var t)
        && v.VectorOfData(t, 0, 4)                         // shape
        && v.Scalar(t, 1, 1)                               // type
        && v.Scalar(t, 2, 4)                               // buffer
        && v.String(t, 3)                                  // name
        && v.Table(t, 4, QuantizationParameters)           // quantization
        && v.Scalar(t, 5, 1)                               // is_variable
        && v.Table(t, 6, AnyTable)                         // sparsity (rejected later, not read)
        && v.VectorOfData(t, 7, 4)                         // shape_signature
        && v.TableEnd();

    private static bool QuantizationParameters(FlatBufferVerifier v, int position) =>
        v.TableStart(position, out var t)
        && v.VectorOfData(t, 0, 4)   // min
        && v.VectorOfData(t, 1, 4)   // max
        && v.VectorOfData(t, 2, 4)   // scale
        && v.VectorOfData(t, 3, 8)   // zero_point
        && v.Scalar(t, 4, 1)         // details_type
        && v.Table(t, 5, AnyTable)   // details
        && v.Scalar(t, 6, 4)         // quantized_dimension
        && v.TableEnd();

    private static bool Operator(FlatBufferVerifier v, int position) =>
        v.TableStart(position, out var t)
        && v.Scalar(t, 0, 4)           // opcode_index
        && v.VectorOfData(t, 1, 4)     // inputs
        && v.VectorOfData(t, 2, 4)     // outputs
        && v.Scalar(t, 3, 1)           // builtin_options_type
        && v.Table(t, 4, AnyTable)     // builtin_options: fields are checked to lie in the table; vectors when read
        && v.VectorOfData(t, 5, 1)     // custom_options
        && v.Scalar(t, 6, 1)           // custom_options_format
        && v.VectorOfData(t, 7, 1)     // mutating_variable_inputs
        && v.VectorOfData(t, 8, 4)     // intermediates
        && v.Scalar(t, 9, 8)           // large_custom_options_offset
        && v.Scalar(t, 10, 8)          // large_custom_options_size
        && v.Table(t, 11, AnyTable)    // builtin_options_2
        && v.TableEnd();

    private static bool Buffer(FlatBufferVerifier v, int position) =>
        v.TableStart(position, out var t)
        && v.VectorOfData(t, 0, 1)   // data
        && v.Scalar(t, 1, 8)         // offset
        && v.Scalar(t, 2, 8)         // size
        && v.TableEnd();

    private static bool AnyTable(FlatBufferVerifier v, int position) => v.TableStart(position, out _) && v.TableEnd();
}
