using System;
using System.Globalization;

namespace TinyModel.Generator.Common;

/// <summary>
/// Runs the generator's work under the invariant culture, as System.Text.Json's generator does around
/// its parser and emitter: every number interpolated into generated code or a diagnostic is then written
/// the same way on every machine (some cultures print U+2212 for minus, others group digits or use
/// another decimal separator, and C# accepts none of that).
/// </summary>
/// <remarks>
/// RS1035 bans <see cref="CultureInfo.CurrentCulture"/> in analyzers so that messages follow the user's
/// culture; generated code must follow none, and this is the one place that sets it.
/// </remarks>
#pragma warning disable RS1035
internal readonly struct InvariantCultureScope : IDisposable
{
    private readonly CultureInfo _previous;

    private InvariantCultureScope(CultureInfo previous) => _previous = previous;

    /// <summary>Switches the current thread to the invariant culture until the scope is disposed.</summary>
    public static InvariantCultureScope Enter()
    {
        CultureInfo previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        return new InvariantCultureScope(previous);
    }

    public void Dispose()
    {
        if (_previous is not null)
        {
            CultureInfo.CurrentCulture = _previous;
        }
    }
}
#pragma warning restore RS1035
