using System;
using System.Collections.Generic;

namespace TinyModel;

/// <summary>
/// Implemented by every class TinyModel.Generator emits, for code that handles models it does not
/// know at compile time (test harnesses, benchmarks, tools). Application code calls the generated
/// class's strongly typed <c>Invoke</c> instead.
/// </summary>
public interface ITinyModel
{
    /// <summary>The bytes of working memory (the arena) one instance owns.</summary>
    int ArenaBytes { get; }

    /// <summary>The model's inputs, in the order <c>Invoke</c> takes them.</summary>
    IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The model's outputs, in the order <c>Invoke</c> takes them.</summary>
    IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>
    /// Runs the model on raw bytes: every input tensor's little-endian bytes back to back in input
    /// order, and room for every output's bytes back to back in output order.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length is not the sum of the tensors' <see cref="TensorInfo.ByteCount"/>.</exception>
    void InvokeRaw(ReadOnlySpan<byte> inputs, Span<byte> outputs);

    /// <summary>
    /// Resets the state that stateful layers (SVDF, LSTM) carry from one call to the next, to the
    /// values a new instance starts from. Does nothing for models without state.
    /// </summary>
    void ResetState();
}
