using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Emitting;

/// <summary>
/// What every flavor's layer emitters may ask about the model they write into: its values, its constants
/// (lowering's, then those the emitters add in the layout their kernels read) and the names of layers.
/// </summary>
internal abstract class EmitContextBase
{
    private readonly List<ConstantSpec> _constants;

    protected EmitContextBase(ModelSpec model)
    {
        Model = model;
        _constants = model.Constants.ToList();
    }

    public ModelSpec Model { get; }

    /// <summary>The constants of the model: those lowering made, then those the emitters added.</summary>
    public IReadOnlyList<ConstantSpec> Constants => _constants;

    /// <summary>Bytes of constant data in the assembly.</summary>
    public long WeightBytes => _constants.Sum(c => (long)c.Data.Count);

    /// <summary>
    /// Adds constant data laid out the way this flavor's kernel reads it (the layer keeps the model's own
    /// layout, so that each flavor chooses its own); returns the name to pass to <see cref="Constant"/>.
    /// <paramref name="packing"/> says how the data comes from the model's own bytes, when a TinyModel.Runtime
    /// method computes it, so that a class reading its weights from the embedded model file can pack them at run time.
    /// </summary>
    public string AddConstant(string name, ElementType type, byte[] data, string description, ConstantPacking? packing = null)
    {
        _constants.Add(new ConstantSpec(name, type, new Common.EquatableArray<byte>(System.Collections.Immutable.ImmutableArray.Create(data)), description, packing));
        return name;
    }

    /// <summary>Drops a constant of lowering's that a flavor's emitter reads or derives some other way, so that it is not written.</summary>
    protected void RemoveConstant(string name) => _constants.RemoveAll(c => c.Name == name);

    /// <summary>The expression that reads a constant, such as <c>Constants.Layer0Weights</c>.</summary>
    public string Constant(string name) => ConstantExpression(name);

    /// <summary><see cref="Constant"/> for emitters that write an element's code without the context.</summary>
    public static string ConstantExpression(string name) => "Constants." + name;

    /// <summary>The name of a layer's method.</summary>
    public static string MethodName(LayerSpec layer) => "Layer" + layer.NodeIndex;

    /// <summary>The parameter names of a layer method: <c>input</c>, <c>input1</c>, ... then <c>output</c>, <c>output1</c>, ...</summary>
    public static string InputName(int position) => position == 0 ? "input" : "input" + position;

    public static string OutputName(int position) => position == 0 ? "output" : "output" + position;

    /// <summary>Whether a layer needs no code: a view whose output shares its input's storage.</summary>
    public bool IsElided(LayerSpec layer) =>
        layer is Operators.DataMovement.ViewLayer view
        && Model.Value(view.Source).Storage == Model.Value(view.View).Storage
        && Model.Value(view.Source).Offset == Model.Value(view.View).Offset;

    /// <summary>Whether a value is layer state the layer may write: a variable tensor that lives in the arena.</summary>
    public bool IsState(int id) => Model.Value(id) is { IsVariable: true, Storage: StorageKind.Arena };
}
