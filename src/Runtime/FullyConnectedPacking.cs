// One source for both sides: the generator packs constant weights at build time with it, and generated code
// packs weights it reads from a model file embedded as a resource (ModelResource) with it at run time, so the
// two layouts cannot drift apart. The generator compiles it (linked) as an internal class of its own namespace.
#if TINYMODEL_GENERATOR
namespace TinyModel.Generator.Operators.Convolution;
#else
namespace TinyModel;
#endif

/// <summary>
/// The .NET flavor's layout of FULLY_CONNECTED weights for <c>TinyModel.FullyConnectedKernels</c>, which
/// computes <see cref="PanelUnits"/> output units at once: the weights of those units for one input position
/// (float) or one group of <see cref="Int8GroupDepth"/> positions (int8) lie side by side, so the kernel reads
/// each panel as one stream and broadcasts each input value once for all of its units.
/// </summary>
#if TINYMODEL_GENERATOR
internal static class FullyConnectedPacking
#else
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class FullyConnectedPacking
#endif
{
    /// <summary>Units per panel: <c>FullyConnectedKernels.PanelUnits</c>.</summary>
    public const int PanelUnits = 16;

    /// <summary>Input positions per 32-bit lane of int8 weights: <c>FullyConnectedKernels.Int8GroupDepth</c>.</summary>
    public const int Int8GroupDepth = 4;

    /// <summary>
    /// Whether an integer layer of this many units runs the panel kernel. With fewer units than a panel, most
    /// of each panel would be padding, and one vectorized dot product per unit along the depth is faster.
    /// </summary>
    public static bool Int8UsesPanels(int units) => units >= PanelUnits;

    /// <summary>
    /// TFLite's <c>[units, depth]</c> float weights as panels: <c>packed[(p · depth + d) · 16 + j] = w[16p + j, d]</c>,
    /// zero for the units that pad the last panel.
    /// </summary>
    /// <param name="weights">The weights in TFLite's <c>[units, depth]</c> layout.</param>
    /// <param name="units">Output units (rows).</param>
    /// <param name="depth">Inputs per unit (columns).</param>
    /// <returns>A new array of the packed weights.</returns>
    public static float[] PackFloat(System.ReadOnlySpan<float> weights, int units, int depth)
    {
        int panels = Panels(units);
        var packed = new float[panels * depth * PanelUnits];
        for (int u = 0; u < units; u++)
        {
            int panel = u / PanelUnits, lane = u % PanelUnits;
            for (int d = 0; d < depth; d++)
            {
                packed[((panel * depth) + d) * PanelUnits + lane] = weights[u * depth + d];
            }
        }
        return packed;
    }

    /// <summary>
    /// TFLite's <c>[units, depth]</c> int8 weights as panels of 32-bit lanes, one lane per unit and group of
    /// four inputs, offset by 128 to unsigned bytes, the inputs of a lane in the order (4g, 4g + 2, 4g + 1, 4g + 3):
    /// <c>packed[((p · groups + g) · 16 + j) · 4 + k] = w[16p + j, 4g + order[k]] + 128</c>, and 128 (weight 0)
    /// where the last panel's units or the last group's inputs are padding. The kernel's AND and shift then
    /// split each lane into the weights of inputs (4g, 4g + 1) and (4g + 2, 4g + 3).
    /// </summary>
    /// <param name="weights">The weights in TFLite's <c>[units, depth]</c> layout.</param>
    /// <param name="units">Output units (rows).</param>
    /// <param name="depth">Inputs per unit (columns).</param>
    /// <returns>A new array of the packed weights.</returns>
    public static byte[] PackInt8(System.ReadOnlySpan<sbyte> weights, int units, int depth)
    {
        int panels = Panels(units), groups = (depth + Int8GroupDepth - 1) / Int8GroupDepth;
        var packed = new byte[panels * groups * PanelUnits * Int8GroupDepth];
        for (int i = 0; i < packed.Length; i++)
        {
            packed[i] = 128;
        }
        for (int u = 0; u < units; u++)
        {
            int panel = u / PanelUnits, lane = u % PanelUnits;
            for (int d = 0; d < depth; d++)
            {
                int group = d / Int8GroupDepth, position = LanePosition(d % Int8GroupDepth);
                packed[(((panel * groups) + group) * PanelUnits + lane) * Int8GroupDepth + position] = (byte)(weights[u * depth + d] + 128);
            }
        }
        return packed;
    }

    /// <summary>Where the weight of the k-th input of a group lies in its lane: the order (0, 2, 1, 3) is its own inverse.</summary>
    private static int LanePosition(int k) => k is 1 or 2 ? 3 - k : k;

    private static int Panels(int units) => (units + PanelUnits - 1) / PanelUnits;
}
