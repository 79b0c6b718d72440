namespace System.Runtime.CompilerServices;

/// <summary>Enables records and init accessors on netstandard2.0, which lacks this marker type.</summary>
internal static class IsExternalInit
{
}
