using System;
using System.Collections.Generic;
using System.Text;

namespace FastGateway.Generators;

/// <content>The lexical rules for names, base paths and resources.</content>
internal sealed partial class GatewayDefinitionParser
{
    /// <summary>Whether <paramref name="name"/> matches <c>[a-z0-9][a-z0-9-_]*</c>.</summary>
    private static bool IsApiName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (i > 0 && c is '-' or '_');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a scope-token (RFC 6749 section 3.3: 1*( %x21 / %x23-5B / %x5D-7E )).</summary>
    private static bool IsScopeToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks an API scope name: non-empty, no '/', no control characters, no surrounding spaces.</summary>
    /// <returns>Why it is invalid, or <see langword="null"/>.</returns>
    private static string? ValidateApiScopeName(string name)
    {
        if (name.Trim().Length == 0)
        {
            return "it must not be empty";
        }

        if (name.Trim().Length != name.Length)
        {
            return "it must not start or end with white space";
        }

        foreach (var c in name)
        {
            if (c == '/')
            {
                return "it must not contain '/' (scope mappings use '<api name>/<API scope name>')";
            }

            if (char.IsControl(c))
            {
                return "it must not contain control characters";
            }
        }

        return null;
    }

    /// <summary>First path segments the gateway itself answers (OAuth, admin, health, metadata, compatibility aliases, OpenAPI).</summary>
    private static readonly string[] ReservedPrefixes = ["/oauth2", "/admin", "/healthz", "/readyz", "/.well-known", "/invoke", "/oauth", "/openapi"];

    /// <summary>Checks a base path: starts with '/', literal segments only, no empty segment, no trailing '/', not a reserved prefix.</summary>
    /// <returns>Why it is invalid, or <see langword="null"/>.</returns>
    private static string? ValidateBasePath(string basePath)
    {
        if (basePath.Length < 2 || basePath[0] != '/')
        {
            return "it must start with '/' followed by at least one segment";
        }

        if (basePath[basePath.Length - 1] == '/')
        {
            return "it must not end with '/'";
        }

        var first = basePath.IndexOf('/', 1) is var slash and > 0 ? basePath.Substring(0, slash) : basePath;
        foreach (var reserved in ReservedPrefixes)
        {
            // The proxy runs before the gateway's own endpoints, so an API here would shadow them.
            if (string.Equals(first, reserved, StringComparison.OrdinalIgnoreCase))
            {
                return $"'{reserved}' is reserved for the gateway's own endpoints ({string.Join(", ", ReservedPrefixes)})";
            }
        }

        foreach (var segment in basePath.Substring(1).Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it must not contain an empty segment ('//')";
            }

            if (segment.IndexOf('{') >= 0)
            {
                return "it must not contain parameters ('{')";
            }

            var error = ValidateLiteralSegment(segment);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>
    /// Parses <c>METHOD /path</c>: exactly one space, an upper-case method of RFC 9110 section 9, and a valid template.
    /// </summary>
    /// <param name="text">The resource as written.</param>
    /// <param name="method">The <c>HttpMethodKind</c> member name.</param>
    /// <param name="template">The path template.</param>
    /// <param name="shape">The template with every parameter name removed (<c>/bookings/{}</c>), for conflict checks.</param>
    /// <param name="error">Why it is malformed.</param>
    /// <returns>Whether it is well formed.</returns>
    private static bool TryParseResource(string text, out string method, out string template, out string shape, out string? error)
    {
        method = template = shape = string.Empty;
        var space = text.IndexOf(' ');
        if (space <= 0)
        {
            error = "expected 'METHOD /path', e.g. 'GET /bookings/{id}'";
            return false;
        }

        var methodText = text.Substring(0, space);
        var mapped = methodText switch
        {
            "GET" => "Get",
            "HEAD" => "Head",
            "POST" => "Post",
            "PUT" => "Put",
            "DELETE" => "Delete",
            "PATCH" => "Patch",
            "OPTIONS" => "Options",
            _ => null,
        };
        if (mapped is null)
        {
            error = $"method '{methodText}' is not one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS (upper case)";
            return false;
        }

        template = text.Substring(space + 1);
        error = ValidateTemplate(template, out shape);
        method = mapped;
        return error is null;
    }

    /// <summary>Checks a path template and computes its shape.</summary>
    /// <returns>Why it is invalid, or <see langword="null"/>.</returns>
    private static string? ValidateTemplate(string template, out string shape)
    {
        shape = template;
        if (template.Length == 0 || template[0] != '/')
        {
            return "the path must start with '/'";
        }

        if (template.Length == 1)
        {
            return null;
        }

        if (template[template.Length - 1] == '/')
        {
            return "the path must not end with '/'";
        }

        var builder = new StringBuilder();
        var parameters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in template.Substring(1).Split('/'))
        {
            builder.Append('/');
            if (segment.Length == 0)
            {
                return "the path must not contain an empty segment ('//')";
            }

            if (segment.IndexOf('{') >= 0 || segment.IndexOf('}') >= 0)
            {
                var name = segment.Length > 2 && segment[0] == '{' && segment[segment.Length - 1] == '}'
                    ? segment.Substring(1, segment.Length - 2)
                    : null;
                if (name is null || !IsIdentifier(name))
                {
                    return $"segment '{segment}' is not a parameter: a parameter is '{{name}}' with an identifier name and fills the whole segment";
                }

                if (!parameters.Add(name))
                {
                    return $"parameter '{name}' appears more than once";
                }

                builder.Append("{}");
                continue;
            }

            var error = ValidateLiteralSegment(segment);
            if (error is not null)
            {
                return error;
            }

            builder.Append(segment);
        }

        shape = builder.ToString();
        return null;
    }

    /// <summary>Checks a literal segment: RFC 3986 pchar without '%' (no percent-encoding), and not '.' or '..'.</summary>
    private static string? ValidateLiteralSegment(string segment)
    {
        if (segment is "." or "..")
        {
            return "segments '.' and '..' are not allowed";
        }

        foreach (var c in segment)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '-' or '.' or '_' or '~'
                or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '='
                or ':' or '@';
            if (!ok)
            {
                return $"character '{c}' is not allowed in a path segment (RFC 3986 pchar, without '%')";
            }
        }

        return null;
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="prefix"/> is <paramref name="path"/>'s leading segments (<c>/a</c> of <c>/a/b</c>).</summary>
    private static bool IsSegmentPrefix(string prefix, string path) =>
        path.Length > prefix.Length && path[prefix.Length] == '/' && path.StartsWith(prefix, StringComparison.Ordinal);
}
