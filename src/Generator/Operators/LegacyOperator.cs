using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators;

/// <summary>
/// An operator not yet moved into a definition of its own: its lowering in Lowering/Operators, its
/// layer in Model/Layers, its emitter in Emitting/Layers. Temporary, while operators move family by family.
/// </summary>
internal sealed class LegacyOperator : OperatorDefinition
{
    private readonly Func<LoweringContext, TfliteOperator, LayerSpec?> _lower;

    public LegacyOperator(int code, string types, Func<LoweringContext, TfliteOperator, LayerSpec?> lower)
        : base(code)
    {
        _lower = lower;
        Types = TypeSupport.Legacy(types);
    }

    public override TypeSupport Types { get; }

    public override string Notes => string.Empty;

    public override LayerSpec? Lower(LoweringContext context, TfliteOperator op) => _lower(context, op);

    public override void Emit(SourceWriter writer, LayerSpec layer, EmitContext context) => LayerEmitters.For(layer).Emit(writer, layer, context);
}
