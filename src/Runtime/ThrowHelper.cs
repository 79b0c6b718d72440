using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace TinyModel;

/// <summary>Exceptions raised by generated code, kept out of line so that hot paths stay small.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
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

    /// <summary>Throws the exception for an output span that shares memory with another span of the same call.</summary>
    /// <param name="outputName">The parameter of <c>Invoke</c> that received the output span.</param>
    /// <param name="otherName">The parameter whose span it overlaps.</param>
    [DoesNotReturn]
    public static void ThrowOverlapping(string outputName, string otherName)
    {
        throw new ArgumentException(
            $"The span passed as '{outputName}' overlaps the one passed as '{otherName}'; a model writes its outputs while it still reads its inputs, so each output needs memory of its own.",
            outputName);
    }

    /// <summary>Throws the exception for a call of <c>Invoke</c> made while another call on the same instance is running.</summary>
    /// <param name="modelName">The generated class.</param>
    [DoesNotReturn]
    public static void ThrowConcurrentInvoke(string modelName)
    {
        throw new InvalidOperationException(
            $"{modelName}.Invoke was called while another call on the same instance was running. An instance keeps its working memory in one arena: give each thread its own instance.");
    }

    /// <summary>
    /// Throws the exception for an index, read from a tensor at run time, that points outside the tensor it
    /// selects from (GATHER, GATHER_ND, EMBEDDING_LOOKUP): TFLM fails the call there too, and the generated
    /// code never reads out of bounds.
    /// </summary>
    /// <param name="layer">The layer, such as <c>node 3 (GATHER)</c>.</param>
    /// <param name="tensorName">The tensor that holds the indices.</param>
    /// <param name="index">The index found (for GATHER_ND, the element offset it adds up to).</param>
    /// <param name="bound">The exclusive upper bound it must stay below.</param>
    [DoesNotReturn]
    public static void ThrowIndexOutOfRange(string layer, string tensorName, int index, int bound)
    {
        throw new ArgumentOutOfRangeException(
            tensorName,
            index,
            $"{layer}: index {index} in tensor '{tensorName}' is outside [0, {bound}); TFLM fails Invoke on it as well.");
    }

    /// <summary>Throws the exception for two shapes, read at run time, that do not broadcast (BROADCAST_ARGS); TFLM aborts there.</summary>
    /// <param name="layer">The layer, such as <c>node 0 (BROADCAST_ARGS)</c>.</param>
    /// <param name="first">The first shape's dimension.</param>
    /// <param name="second">The second shape's dimension, neither equal to the first nor 1.</param>
    [DoesNotReturn]
    public static void ThrowNotBroadcastable(string layer, long first, long second)
    {
        throw new ArgumentException($"{layer}: dimensions {first} and {second} do not broadcast: they differ and neither is 1.");
    }

    /// <summary>
    /// Throws the exception for a divisor with an element equal to 0, which TFLM's FLOOR_DIV refuses: its Invoke
    /// fails ("Division by 0") before it writes anything, and so does the generated layer.
    /// </summary>
    /// <param name="operatorName">The operator, such as <c>FLOOR_DIV</c>.</param>
    /// <param name="nodeIndex">The operator's node in the model.</param>
    [DoesNotReturn]
    public static void ThrowDivisionByZero(string operatorName, int nodeIndex)
    {
        throw new DivideByZeroException(
            $"Node {nodeIndex} ({operatorName}): the divisor has an element equal to 0, which TensorFlow Lite Micro refuses (\"Division by 0\"); the layer wrote nothing.");
    }
}
