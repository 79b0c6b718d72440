using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

// The element types of the conversion kernels (QuantizationKernels, CastKernels) as sixteen int32 lanes: loaded
// and widened by a source, narrowed and stored by a sink, in one 256-bit pair or four 128-bit vectors.

/// <summary>Sixteen values of an element type as int32 lanes (widened, or converted as a CAST does).</summary>
internal interface ILanes16Source<T>
    where T : unmanaged
{
    static abstract (Vector256<int>, Vector256<int>) Load16(ref T source);

    static abstract (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Load16Narrow(ref T source);

    static abstract int ToInt(T value);
}

internal readonly struct Int8Source : ILanes16Source<sbyte>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<int>, Vector256<int>) Load16(ref sbyte source)
    {
        Vector256<short> v = Vector256.WidenLower(Vector128.LoadUnsafe(ref source).ToVector256Unsafe());
        return (Vector256.WidenLower(v), Vector256.WidenUpper(v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Load16Narrow(ref sbyte source)
    {
        (Vector128<short> low, Vector128<short> high) = Vector128.Widen(Vector128.LoadUnsafe(ref source));
        return (Vector128.WidenLower(low), Vector128.WidenUpper(low), Vector128.WidenLower(high), Vector128.WidenUpper(high));
    }

    public static int ToInt(sbyte value) => value;
}

internal readonly struct UInt8Source : ILanes16Source<byte>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<int>, Vector256<int>) Load16(ref byte source)
    {
        Vector256<ushort> v = Vector256.WidenLower(Vector128.LoadUnsafe(ref source).ToVector256Unsafe());
        return (Vector256.WidenLower(v).AsInt32(), Vector256.WidenUpper(v).AsInt32());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Load16Narrow(ref byte source)
    {
        (Vector128<ushort> low, Vector128<ushort> high) = Vector128.Widen(Vector128.LoadUnsafe(ref source));
        return (Vector128.WidenLower(low).AsInt32(), Vector128.WidenUpper(low).AsInt32(), Vector128.WidenLower(high).AsInt32(), Vector128.WidenUpper(high).AsInt32());
    }

    public static int ToInt(byte value) => value;
}

/// <summary>
/// Bools as C#'s <c>b ? 1 : 0</c> reads them (any nonzero stored byte is true): the bytes widened as unsigned, then
/// the smaller of each and 1.
/// </summary>
internal readonly struct BoolSource : ILanes16Source<byte>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<int>, Vector256<int>) Load16(ref byte source)
    {
        (Vector256<int> a, Vector256<int> b) = UInt8Source.Load16(ref source);
        return (Vector256.Min(a, Vector256<int>.One), Vector256.Min(b, Vector256<int>.One));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Load16Narrow(ref byte source)
    {
        // One byte-wise minimum before widening: the bytes are unsigned, so each becomes 0 or 1.
        (Vector128<ushort> low, Vector128<ushort> high) = Vector128.Widen(Vector128.Min(Vector128.LoadUnsafe(ref source), Vector128<byte>.One));
        return (Vector128.WidenLower(low).AsInt32(), Vector128.WidenUpper(low).AsInt32(), Vector128.WidenLower(high).AsInt32(), Vector128.WidenUpper(high).AsInt32());
    }

    public static int ToInt(byte value) => value != 0 ? 1 : 0;
}

internal readonly struct Int16Source : ILanes16Source<short>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<int>, Vector256<int>) Load16(ref short source) => Vector256.Widen(Vector256.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Load16Narrow(ref short source)
    {
        (Vector128<int> a, Vector128<int> b) = Vector128.Widen(Vector128.LoadUnsafe(ref source));
        (Vector128<int> c, Vector128<int> d) = Vector128.Widen(Vector128.LoadUnsafe(ref source, 8));
        return (a, b, c, d);
    }

    public static int ToInt(short value) => value;
}

/// <summary>Sixteen int32 lanes stored as an element type: integers keep their low bits (two's complement wrap, exact after a clamp), floats round to nearest.</summary>
internal readonly struct Int32Source : ILanes16Source<int>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<int>, Vector256<int>) Load16(ref int source) => (Vector256.LoadUnsafe(ref source), Vector256.LoadUnsafe(ref source, 8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Load16Narrow(ref int source) =>
        (Vector128.LoadUnsafe(ref source), Vector128.LoadUnsafe(ref source, 4), Vector128.LoadUnsafe(ref source, 8), Vector128.LoadUnsafe(ref source, 12));

    public static int ToInt(int value) => value;
}

/// <summary>
/// Floats converted as CAST converts them (<see cref="CastConversions.FloatToInt32"/>): truncated toward zero, and
/// <see cref="int.MinValue"/> out of range or NaN, which lanes select explicitly (.NET 9 and later saturate instead).
/// </summary>
internal readonly struct FloatCastSource : ILanes16Source<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<int>, Vector256<int>) Load16(ref float source) =>
        (Convert(Vector256.LoadUnsafe(ref source)), Convert(Vector256.LoadUnsafe(ref source, 8)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Load16Narrow(ref float source) =>
        (Convert(Vector128.LoadUnsafe(ref source)), Convert(Vector128.LoadUnsafe(ref source, 4)), Convert(Vector128.LoadUnsafe(ref source, 8)), Convert(Vector128.LoadUnsafe(ref source, 12)));

    public static int ToInt(float value) => CastConversions.FloatToInt32(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Convert(Vector256<float> x)
    {
        Vector256<int> inRange = (Vector256.GreaterThanOrEqual(x, Vector256.Create(-2147483648f)) & Vector256.LessThan(x, Vector256.Create(2147483648f))).AsInt32();
        return Vector256.ConditionalSelect(inRange, Vector256.ConvertToInt32(x), Vector256.Create(int.MinValue));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Convert(Vector128<float> x)
    {
        Vector128<int> inRange = (Vector128.GreaterThanOrEqual(x, Vector128.Create(-2147483648f)) & Vector128.LessThan(x, Vector128.Create(2147483648f))).AsInt32();
        return Vector128.ConditionalSelect(inRange, Vector128.ConvertToInt32(x), Vector128.Create(int.MinValue));
    }
}

internal interface ILanes16Sink<T>
    where T : unmanaged
{
    static abstract void Store16(Vector256<int> a, Vector256<int> b, ref T destination);

    static abstract void Store16(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d, ref T destination);

    static abstract T FromInt(int value);
}

/// <summary>int8 or uint8: the low byte of each lane (the same bits for both once clamped).</summary>
internal readonly struct ByteSink : ILanes16Sink<sbyte>, ILanes16Sink<byte>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector256<int> a, Vector256<int> b, ref sbyte destination) =>
        Store16(a, b, ref Unsafe.As<sbyte, byte>(ref destination));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d, ref sbyte destination) =>
        Store16(a, b, c, d, ref Unsafe.As<sbyte, byte>(ref destination));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector256<int> a, Vector256<int> b, ref byte destination)
    {
        Vector256<ushort> shorts = Vector256.Narrow(a.AsUInt32(), b.AsUInt32());
        Vector128.Narrow(shorts.GetLower(), shorts.GetUpper()).StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d, ref byte destination) =>
        Vector128.Narrow(Vector128.Narrow(a.AsUInt32(), b.AsUInt32()), Vector128.Narrow(c.AsUInt32(), d.AsUInt32())).StoreUnsafe(ref destination);

    static sbyte ILanes16Sink<sbyte>.FromInt(int value) => (sbyte)value;

    static byte ILanes16Sink<byte>.FromInt(int value) => (byte)value;
}

/// <summary>int16: the low half of each lane.</summary>
internal readonly struct Int16Sink : ILanes16Sink<short>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector256<int> a, Vector256<int> b, ref short destination) =>
        Vector256.Narrow(a, b).StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d, ref short destination)
    {
        Vector128.Narrow(a, b).StoreUnsafe(ref destination);
        Vector128.Narrow(c, d).StoreUnsafe(ref destination, 8);
    }

    public static short FromInt(int value) => (short)value;
}

/// <summary>int32 (or uint32's bits): the lanes as they are.</summary>
internal readonly struct Int32Sink : ILanes16Sink<int>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector256<int> a, Vector256<int> b, ref int destination)
    {
        a.StoreUnsafe(ref destination);
        b.StoreUnsafe(ref destination, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d, ref int destination)
    {
        a.StoreUnsafe(ref destination);
        b.StoreUnsafe(ref destination, 4);
        c.StoreUnsafe(ref destination, 8);
        d.StoreUnsafe(ref destination, 12);
    }

    public static int FromInt(int value) => value;
}

/// <summary>float32: each lane rounded to the nearest float, as C++'s <c>static_cast&lt;float&gt;</c> of an int32.</summary>
internal readonly struct FloatSink : ILanes16Sink<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector256<int> a, Vector256<int> b, ref float destination)
    {
        Vector256.ConvertToSingle(a).StoreUnsafe(ref destination);
        Vector256.ConvertToSingle(b).StoreUnsafe(ref destination, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d, ref float destination)
    {
        Vector128.ConvertToSingle(a).StoreUnsafe(ref destination);
        Vector128.ConvertToSingle(b).StoreUnsafe(ref destination, 4);
        Vector128.ConvertToSingle(c).StoreUnsafe(ref destination, 8);
        Vector128.ConvertToSingle(d).StoreUnsafe(ref destination, 12);
    }

    public static float FromInt(int value) => value;
}
