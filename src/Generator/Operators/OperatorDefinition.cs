using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators;

/// <summary>
/// Everything TinyModel knows about one TFLite builtin operator, in one place: its code, the type
/// combinations it compiles, how it is lowered to a layer and how that layer is written as C#.
/// <see cref="OperatorCatalog"/> lists the definitions; the lowering, the emitters' dispatch, the type
/// checks and the README's table all derive from it.
/// </summary>
internal abstract class OperatorDefinition
{
    protected OperatorDefinition(int code) => Code = code;

    /// <summary>A custom operator, recognized by its <c>custom_code</c> (such as TFLM's <c>SignalWindow</c>).</summary>
    protected OperatorDefinition(string customCode)
    {
        Code = BuiltinOperator.Custom;
        CustomCode = customCode;
    }

    /// <summary>The TFLite builtin operator code (schema.fbs <c>BuiltinOperator</c>); <c>CUSTOM</c> for custom operators.</summary>
    public int Code { get; }

    /// <summary>The custom code of a custom operator, null for builtins.</summary>
    public string? CustomCode { get; }

    /// <summary>The operator's TFLite name, such as <c>LEAKY_RELU</c>, or a custom operator's custom code.</summary>
    public string Name => CustomCode ?? BuiltinOperatorNames.Get(Code);

    /// <summary>The element-type combinations it compiles; checked before <see cref="Lower"/> runs.</summary>
    public abstract TypeSupport Types { get; }

    /// <summary>What else it supports (options, constant operands), as users read it in the README.</summary>
    public abstract string Notes { get; }

    /// <summary>Builds the layer, or reports why it cannot (through <paramref name="context"/>) and returns null.</summary>
    public abstract LayerSpec? Lower(LoweringContext context, TfliteOperator op);

    /// <summary>Writes the layer's method for the .NET flavor.</summary>
    public abstract void Emit(SourceWriter writer, LayerSpec layer, EmitContext context);

    /// <summary>
    /// Writes the layer's method for the nanoFramework flavor (arrays and offsets, plain loops, no runtime
    /// library), or reports through <paramref name="context"/> why it cannot (TM0021).
    /// </summary>
    public abstract void EmitNanoFramework(SourceWriter writer, LayerSpec layer, NanoEmitContext context);

    /// <summary>
    /// Whether the nanoFramework kernel takes a tensor larger than one nanoFramework object, passed as a view over
    /// arena pages (<see cref="NanoArenaLayout"/>): true for kernels that only index their tensors and copy runs
    /// through <see cref="NanoArenaLayout.CopyClass"/>. A model that would pass one to another kernel gets TM0022.
    /// </summary>
    public virtual bool NanoFrameworkTakesPagedTensors => false;
}

/// <summary>
/// An operator whose layers are <typeparamref name="TLayer"/>: a definition that lowers to a layer
/// type must also emit it, or it does not compile.
/// </summary>
internal abstract class OperatorDefinition<TLayer> : OperatorDefinition
    where TLayer : LayerSpec
{
    protected OperatorDefinition(int code)
        : base(code)
    {
    }

    protected OperatorDefinition(string customCode)
        : base(customCode)
    {
    }

    public sealed override LayerSpec? Lower(LoweringContext context, TfliteOperator op) => LowerLayer(context, op);

    public sealed override void Emit(SourceWriter writer, LayerSpec layer, EmitContext context) => EmitLayer(writer, (TLayer)layer, context);

    public sealed override void EmitNanoFramework(SourceWriter writer, LayerSpec layer, NanoEmitContext context) => EmitNanoFrameworkLayer(writer, (TLayer)layer, context);

    /// <inheritdoc cref="OperatorDefinition.Lower"/>
    protected abstract TLayer? LowerLayer(LoweringContext context, TfliteOperator op);

    /// <inheritdoc cref="OperatorDefinition.Emit"/>
    protected abstract void EmitLayer(SourceWriter writer, TLayer layer, EmitContext context);

    /// <summary>
    /// Writes the layer for the nanoFramework flavor. An operator that has no nanoFramework emitter yet
    /// keeps this default, which reports TM0021 naming the operator and node: the model then fails to
    /// build in that flavor with a clear message, and the .NET flavor is unaffected.
    /// </summary>
    protected virtual void EmitNanoFrameworkLayer(SourceWriter writer, TLayer layer, NanoEmitContext context) =>
        context.ReportUnsupported(layer, string.Empty);
}
