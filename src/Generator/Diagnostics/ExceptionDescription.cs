using System;

namespace TinyModel.Generator.Diagnostics;

/// <summary>
/// How an unexpected exception reads in TM0010: its type, message and the method that threw, so that a bug
/// report made from the build output alone says where to look.
/// </summary>
internal static class ExceptionDescription
{
    public static string Describe(Exception e)
    {
        string description = $"{e.GetType().Name}: {e.Message.TrimEnd('.')}";
        // The first frame, without its file path (which differs from machine to machine).
        string? frame = e.StackTrace?.Split('\n')[0].Trim();
        if (frame is { Length: > 0 })
        {
            int path = frame.IndexOf(" in ", StringComparison.Ordinal);
            description += $" ({(path > 0 ? frame.Substring(0, path) : frame)})";
        }
        return description;
    }
}
