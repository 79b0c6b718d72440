using System;
using System.Linq;
using System.Reflection;
using System.Text;

namespace TinyModel.GoldenRunner;

/// <summary>
/// The instruction tier each Runtime kernel takes on this machine, read from the kernels' own <c>Tier</c>
/// properties (<see cref="InstructionTier"/>), the values their dispatch switches on. A kernel class joins the
/// table by declaring such a property: <c>Tier</c> for the class, or <c>&lt;Family&gt;Tier</c> per family.
/// </summary>
internal static class KernelTiers
{
    /// <summary>Kernels no property covers: scalar on every machine, so ARM64 loses nothing to x64 there.</summary>
    private const string ScalarEverywhere =
        "scalar everywhere: table look-ups (int16 sigmoid, tanh and softmax), SoftmaxMath, SignalMath (square roots, logs, PCAN gains)";

    /// <summary>The table: one line per kernel (family), then what stays scalar on every machine.</summary>
    public static string Table()
    {
        var rows = typeof(InstructionTier).Assembly.GetExportedTypes()
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.Static)
                .Where(p => p.PropertyType == typeof(InstructionTier))
                .Select(p => (Kernel: p.Name == "Tier" ? type.Name : $"{type.Name}.{p.Name[..^"Tier".Length]}", Tier: (InstructionTier)p.GetValue(null)!)))
            .OrderBy(row => row.Kernel, StringComparer.Ordinal)
            .ToList();
        int width = rows.Max(row => row.Kernel.Length);
        var text = new StringBuilder("kernel tiers:\n");
        foreach ((string kernel, InstructionTier tier) in rows)
        {
            text.Append("  ").Append(kernel.PadRight(width)).Append("  ").Append(tier).Append('\n');
        }
        return text.Append("  (").Append(ScalarEverywhere).Append(")\n").ToString();
    }
}
