using System.Linq;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>The type combinations of two-input element-wise operators.</summary>
internal static class BinaryTypes
{
    /// <summary>Both inputs and the output of one type, for each of <paramref name="types"/>.</summary>
    public static TypeSupport Same(params ElementType[] types) =>
        TypeSupport.Of(types.Select(t => (new ElementType?[] { t, t }, new[] { t })).ToArray());

    /// <summary>Both inputs of one type and a bool output (the comparisons), for each of <paramref name="types"/>.</summary>
    public static TypeSupport ToBool(params ElementType[] types) =>
        TypeSupport.Of(types.Select(t => (new ElementType?[] { t, t }, new[] { ElementType.Bool })).ToArray());
}
