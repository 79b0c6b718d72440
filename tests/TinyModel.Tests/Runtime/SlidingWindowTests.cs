using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>The streaming helper: windows come out in order whatever the chunk sizes, and it does not allocate.</summary>
public class SlidingWindowTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(320)]
    [InlineData(16000)]
    public void ChunksOfAnySizeGiveTheSameWindows(int chunk)
    {
        short[] stream = Enumerable.Range(0, 16000).Select(i => (short)i).ToArray();
        var window = new SlidingWindow<short>(480, 320);
        int windows = 0;
        for (int at = 0; at < stream.Length; at += chunk)
        {
            ReadOnlySpan<short> samples = stream.AsSpan(at, Math.Min(chunk, stream.Length - at));
            while (window.Fill(ref samples))
            {
                Assert.True(window.Current.SequenceEqual(stream.AsSpan(320 * windows, 480)));
                window.Advance();
                windows++;
            }
        }
        Assert.Equal(49, windows);
    }

    [Fact]
    public void FillingAndAdvancingDoesNotAllocate()
    {
        short[] stream = new short[16000];
        var window = new SlidingWindow<short>(480, 320);
        void Run()
        {
            ReadOnlySpan<short> samples = stream;
            while (window.Fill(ref samples))
            {
                window.Advance();
            }
            window.Clear();
        }
        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AStrideLongerThanTheWindowIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindow<short>(480, 481));
}
