using System;
using Microsoft.CodeAnalysis;

namespace FastGateway.Generators;

/// <summary>
/// Every diagnostic the gateway-definition generator reports. The ids are stable: docs and tests rely on them.
/// All are errors: a wrong <c>gateway.json</c> must fail the build, never surprise at run time.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Category = "FastGateway.Definition";

    /// <summary>FG001: <c>gateway.json</c> is not well-formed JSON.</summary>
    public static readonly DiagnosticDescriptor InvalidJson = Create(
        "FG001",
        "gateway.json is not valid JSON",
        "gateway.json is not valid JSON: {0}");

    /// <summary>FG002: a scope mapping names an API or API scope that does not exist.</summary>
    public static readonly DiagnosticDescriptor UnknownScopeMappingTarget = Create(
        "FG002",
        "Scope mapping names an unknown API scope",
        "Scope '{0}' maps to '{1}', which is not an API scope of a declared API (expected '<api name>/<API scope name>')");

    /// <summary>FG003: the same resource is listed twice in one API scope.</summary>
    public static readonly DiagnosticDescriptor DuplicateResource = Create(
        "FG003",
        "Duplicate resource in an API scope",
        "Resource '{0}' is listed more than once in API scope '{1}' of API '{2}'");

    /// <summary>FG004: two templates of one API and method differ only in parameter names.</summary>
    public static readonly DiagnosticDescriptor ConflictingRoute = Create(
        "FG004",
        "Conflicting routes",
        "Resource '{0}' conflicts with '{1}' in API '{2}': the templates differ only in parameter names");

    /// <summary>FG005: a resource is not <c>METHOD /path</c> with a known method and a valid template.</summary>
    public static readonly DiagnosticDescriptor MalformedResource = Create(
        "FG005",
        "Malformed resource",
        "Resource '{0}' is malformed: {1}");

    /// <summary>FG006: an invalid or duplicate name, or an invalid or overlapping base path.</summary>
    public static readonly DiagnosticDescriptor InvalidName = Create(
        "FG006",
        "Invalid name or base path",
        "{0}");

    /// <summary>FG007: more than 64 scopes (scope masks are 64-bit).</summary>
    public static readonly DiagnosticDescriptor TooManyScopes = Create(
        "FG007",
        "Too many scopes",
        "gateway.json declares {0} scopes; at most 64 are supported because scope masks are 64-bit");

    /// <summary>FG008: an unknown, duplicate or missing property, or a value of the wrong JSON type.</summary>
    public static readonly DiagnosticDescriptor SchemaViolation = Create(
        "FG008",
        "gateway.json does not follow the definition schema",
        "{0}");

    /// <summary>FG009: more than one <c>gateway.json</c> was passed as an additional file.</summary>
    public static readonly DiagnosticDescriptor MultipleDefinitionFiles = Create(
        "FG009",
        "More than one gateway.json",
        "More than one gateway.json is passed to the compiler; only one definition per project is supported (also found '{0}')");

    /// <summary>Looks a descriptor up by id.</summary>
    /// <param name="id">An id such as <c>FG001</c>.</param>
    /// <returns>The descriptor.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The id is not one of this class's.</exception>
    public static DiagnosticDescriptor Get(string id) => id switch
    {
        "FG001" => InvalidJson,
        "FG002" => UnknownScopeMappingTarget,
        "FG003" => DuplicateResource,
        "FG004" => ConflictingRoute,
        "FG005" => MalformedResource,
        "FG006" => InvalidName,
        "FG007" => TooManyScopes,
        "FG008" => SchemaViolation,
        "FG009" => MultipleDefinitionFiles,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "Unknown diagnostic id."),
    };

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
