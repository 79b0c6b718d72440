using System;

namespace TinyModel.Generator.Reading;

/// <summary>
/// Raised inside the reader when a model file is malformed; the message says what and where.
/// Never leaves the generator: the parser turns it into a TM0002 diagnostic.
/// </summary>
internal sealed class ModelFormatException : Exception
{
    public ModelFormatException(string message) : base(message)
    {
    }
}
