using System;
using System.ComponentModel;
using System.Linq;
using System.Reflection;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The Runtime's public surface has two audiences: users (the model interface, tensor metadata, streaming) and
/// generated code (kernels, fixed-point helpers, throw helpers). The second kind is public only because generated
/// code lives in the user's assembly, so it is hidden from IntelliSense; PublicAPI.Unshipped.txt lists both.
/// </summary>
public class RuntimeSurfaceTests
{
    private static readonly Type[] ForUsers = { typeof(ITinyModel), typeof(TensorInfo), typeof(TensorElementType), typeof(SlidingWindow<>) };

    [Fact]
    public void EveryTypeForGeneratedCodeIsHiddenFromIntelliSense()
    {
        Type[] visible = typeof(ITinyModel).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested && !ForUsers.Contains(t))
            .Where(t => t.GetCustomAttribute<EditorBrowsableAttribute>()?.State != EditorBrowsableState.Never)
            .ToArray();
        Assert.True(visible.Length == 0, "Shown in IntelliSense but meant for generated code: " + string.Join(", ", visible.Select(t => t.Name)));
    }

    [Fact]
    public void TypesForUsersAreVisible() =>
        Assert.All(ForUsers, t => Assert.NotEqual(EditorBrowsableState.Never, t.GetCustomAttribute<EditorBrowsableAttribute>()?.State));
}
