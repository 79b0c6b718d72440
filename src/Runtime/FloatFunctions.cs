using System;

namespace TinyModel;

/// <summary>
/// Float functions of the C library that TensorFlow Lite Micro's kernels call and .NET's <see cref="MathF"/> lacks,
/// computed so that they round as the C library's do (for all but a vanishing share of inputs).
/// </summary>
public static class FloatFunctions
{
    /// <summary>
    /// <c>expm1f</c>: e^x − 1 without the cancellation of <c>exp(x) − 1</c> near 0 (ELU's float kernel). Computed in
    /// double by Kahan's method, <c>(u − 1) · x / log(u)</c> with <c>u = e^x</c>, accurate to a few double ulps, then
    /// rounded to float once.
    /// </summary>
    /// <param name="x">The exponent.</param>
    /// <returns>e^x − 1 as a float: x itself when e^x rounds to 1, −1 far below 0, +∞ far above.</returns>
    public static float ExpMinusOne(float x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }
        double uMinusOne = u - 1.0;
        if (uMinusOne == -1.0)
        {
            return -1f;
        }
        if (double.IsPositiveInfinity(u))
        {
            return float.PositiveInfinity;
        }
        return (float)(uMinusOne * x / Math.Log(u));
    }
}
