using System;
using System.Diagnostics.CodeAnalysis;

namespace TinyModel;

/// <summary>Exceptions raised by generated code, kept out of line so that hot paths stay small.</summary>
public static class ThrowHelper
{
    /// <summary>Throws the exception for a span whose length does not match its tensor.</summary>
    /// <param name="parameterName">The parameter of <c>Invoke</c> that received the span.</param>
    /// <param name="tensorName">The tensor's name in the model.</param>
    /// <param name="expectedLength">The tensor's element count.</param>
    /// <param name="actualLength">The span's length.</param>
    [DoesNotReturn]
    public static void ThrowWrongLength(string parameterName, string tensorName, int expectedLength, int actualLength)
    {
        throw new ArgumentException(
            $"Tensor '{tensorName}' has {expectedLength} elements, but the span passed for it has {actualLength}.",
            parameterName);
    }
}
