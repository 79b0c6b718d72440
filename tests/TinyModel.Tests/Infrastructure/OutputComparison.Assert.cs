using System;
using Xunit.Sdk;

namespace TinyModel.Tests.Infrastructure;

public static partial class OutputComparison
{
    /// <summary>Asserts that an output equals TFLM's: bit for bit for integer types, within <see cref="FloatTolerance"/> for float32.</summary>
    public static void AssertMatches(string what, string dtype, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (Difference(what, dtype, expected, actual) is string difference)
        {
            throw new XunitException(difference);
        }
    }
}
