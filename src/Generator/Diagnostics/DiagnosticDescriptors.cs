using Microsoft.CodeAnalysis;

namespace TinyModel.Generator.Diagnostics;

/// <summary>
/// Every diagnostic TinyModel reports. Each is located on the model file and says what is wrong,
/// where in the model, and what TinyModel supports instead.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "TinyModel";
    private const string HelpLink = "https://github.com/tinymodel/tinymodel#diagnostics";

    public static readonly DiagnosticDescriptor ModelNotEncoded = Create(
        "TM0001",
        "Model file reached the compiler as text",
        "'{0}' reached the compiler as text, which loses bytes; reference the TinyModel.Generator package (its build targets hand .tflite files to the compiler exactly) or import its build/TinyModel.Generator.targets");

    public static readonly DiagnosticDescriptor UnreadableModel = Create(
        "TM0002",
        "Model file is not a readable TensorFlow Lite model",
        "'{0}' is not a readable TensorFlow Lite model: {1}");

    public static readonly DiagnosticDescriptor UnsupportedOperators = Create(
        "TM0003",
        "Model uses operators TinyModel does not support",
        "'{0}' uses {1} that TinyModel cannot compile: {2}. Supported operators: {3}.");

    public static readonly DiagnosticDescriptor UnsupportedTensorType = Create(
        "TM0004",
        "Model has a tensor of an unsupported type",
        "'{0}': tensor {1} '{2}' has element type {3}; TinyModel supports {4}");

    public static readonly DiagnosticDescriptor DynamicShape = Create(
        "TM0005",
        "Model has a tensor with a dynamic or unknown shape",
        "'{0}': tensor {1} '{2}' has a dynamic or unknown shape ({3}); TinyModel compiles models whose shapes are all known at build time");

    public static readonly DiagnosticDescriptor UncompilableControlFlow = Create(
        "TM0006",
        "Model's control flow cannot be compiled",
        "'{0}': {1}; TinyModel compiles IF, WHILE and CALL_ONCE calls that do not recurse, and resource variables whose handles stay in the subgraph of their VAR_HANDLE");

    public static readonly DiagnosticDescriptor UnsupportedOperatorOptions = Create(
        "TM0007",
        "Operator uses options TinyModel does not support",
        "'{0}': operator {1} at node {2}: {3}");

    public static readonly DiagnosticDescriptor InvalidClassName = Create(
        "TM0008",
        "Invalid class or namespace name for a model",
        "'{0}': {1} '{2}' is not a valid C# {3}; set the TinyModelClass or TinyModelNamespace metadata of the AdditionalFiles item");

    public static readonly DiagnosticDescriptor DuplicateClassName = Create(
        "TM0009",
        "Two models compile to the same class",
        "'{0}' compiles to class '{1}', which '{2}' already compiles to; set TinyModelClass (or TinyModelNamespace) on one of the two AdditionalFiles items");

    public static readonly DiagnosticDescriptor InternalError = Create(
        "TM0010",
        "TinyModel failed unexpectedly",
        "TinyModel failed to compile '{0}': {1}. This is a bug in TinyModel; please report it with the model file.");

    public static readonly DiagnosticDescriptor InvalidGraph = Create(
        "TM0011",
        "Model's graph is inconsistent",
        "'{0}' is not a consistent TensorFlow Lite graph: {1}");

    public static readonly DiagnosticDescriptor RuntimeMismatch = Create(
        "TM0012",
        "TinyModel.Runtime is missing or of another version",
        "'{0}' cannot be compiled: {1}");

    public static readonly DiagnosticDescriptor UnknownFlavor = Create(
        "TM0020",
        "Unknown TinyModelFlavor",
        "'{0}': TinyModelFlavor '{1}' is not a flavor TinyModel writes; use {2}");

    public static readonly DiagnosticDescriptor NanoFrameworkUnsupported = Create(
        "TM0021",
        "Operator is not yet supported in the NanoFramework flavor",
        "'{0}': operator {1} at node {2} is not yet supported in the NanoFramework flavor{3}; the Net flavor compiles it");

    public static readonly DiagnosticDescriptor NanoFrameworkLimit = Create(
        "TM0022",
        "Model exceeds a limit of nanoFramework",
        "'{0}' does not fit nanoFramework's limits for one assembly: {1}");

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
}
