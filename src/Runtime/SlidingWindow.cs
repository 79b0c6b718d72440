using System;

namespace TinyModel;

/// <summary>
/// Cuts a stream (audio samples as they arrive from a microphone, in chunks of any size) into overlapping
/// windows of a fixed length and stride, for models that take one window per Invoke, such as TFLM's audio
/// preprocessor (480 samples every 320). It keeps one window of samples and never allocates after
/// construction.
/// </summary>
/// <example>
/// <code>
/// var window = new SlidingWindow&lt;short&gt;(length: 480, stride: 320);
/// // For each chunk the microphone delivers:
/// ReadOnlySpan&lt;short&gt; chunk = ...;
/// while (window.Fill(ref chunk))
/// {
///     preprocessor.Invoke(window.Current, features);   // one window, one Invoke
///     window.Advance();                                // drop the oldest stride samples
/// }
/// </code>
/// </example>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class SlidingWindow<T>
    where T : unmanaged
{
    private readonly T[] _buffer;
    private int _count;

    /// <summary>A window of <paramref name="length"/> samples that moves by <paramref name="stride"/> samples.</summary>
    /// <param name="length">Samples per window.</param>
    /// <param name="stride">Samples between the starts of consecutive windows, from 1 to <paramref name="length"/>.</param>
    public SlidingWindow(int length, int stride)
    {
        if (length <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A window needs at least one sample.");
        }
        if (stride <= 0 || stride > length)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride must be from 1 to the window length ({length}).");
        }
        _buffer = new T[length];
        Stride = stride;
    }

    /// <summary>Samples per window.</summary>
    public int Length => _buffer.Length;

    /// <summary>Samples between the starts of consecutive windows.</summary>
    public int Stride { get; }

    /// <summary>Whether a whole window is ready in <see cref="Current"/>.</summary>
    public bool IsFull => _count == _buffer.Length;

    /// <summary>The current window, oldest sample first; whole only when <see cref="IsFull"/>.</summary>
    public ReadOnlySpan<T> Current => _buffer.AsSpan(0, _count);

    /// <summary>
    /// Moves samples from <paramref name="samples"/> into the window until it is full or they run out;
    /// <paramref name="samples"/> is left with what was not taken. Returns whether the window is full.
    /// </summary>
    public bool Fill(ref ReadOnlySpan<T> samples)
    {
        int take = Math.Min(_buffer.Length - _count, samples.Length);
        samples.Slice(0, take).CopyTo(_buffer.AsSpan(_count));
        samples = samples.Slice(take);
        _count += take;
        return IsFull;
    }

    /// <summary>Drops the oldest <see cref="Stride"/> samples, so that the next window starts a stride later.</summary>
    public void Advance()
    {
        int drop = Math.Min(Stride, _count);
        _buffer.AsSpan(drop, _count - drop).CopyTo(_buffer);
        _count -= drop;
    }

    /// <summary>Forgets every sample (a new recording).</summary>
    public void Clear() => _count = 0;
}
