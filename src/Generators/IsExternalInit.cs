// netstandard2.0 lacks this type; the compiler needs it for records and init accessors.
namespace System.Runtime.CompilerServices;

/// <summary>Polyfill that lets records and <c>init</c> accessors compile on netstandard2.0.</summary>
internal static class IsExternalInit
{
}
