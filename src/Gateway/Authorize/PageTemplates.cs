using System.Text;
using System.Text.Encodings.Web;
using FastGateway.Hosting;

namespace FastGateway.Authorize;

/// <summary>
/// The authorization endpoint's HTML pages, read once at start: by default the ones built into the binary
/// (<c>templates/*.html</c>, embedded so the published gateway is one file), or the folder named by
/// <c>OAuth:TemplatesPath</c> so operators can re-brand them without recompiling, as webMethods does with
/// <c>OAuth_Approval.html</c>.
/// </summary>
/// <remarks>
/// Placeholders are <c>{{name}}</c>. Every value is HTML-encoded with <see cref="HtmlEncoder"/>,
/// except <c>{{scope_checkboxes}}</c>, which the gateway builds itself from encoded parts.
/// <list type="table">
/// <item><term>signin.html</term><description><c>{{action}}</c>, <c>{{client_name}}</c>, <c>{{client_id}}</c>, <c>{{username}}</c>, <c>{{error}}</c>, <c>{{request}}</c>*, <c>{{csrf_token}}</c>*</description></item>
/// <item><term>consent.html</term><description><c>{{action}}</c>, <c>{{client_name}}</c>, <c>{{client_id}}</c>, <c>{{username}}</c>, <c>{{scope_checkboxes}}</c>*, <c>{{request}}</c>*, <c>{{csrf_token}}</c>*</description></item>
/// <item><term>error.html</term><description><c>{{error}}</c>, <c>{{error_description}}</c></description></item>
/// </list>
/// (* required: a template without it cannot work and fails the start.)
/// </remarks>
internal sealed class PageTemplates
{
    /// <summary>Placeholder whose value is trusted HTML (built from encoded parts), not text.</summary>
    public const string ScopeCheckboxes = "scope_checkboxes";

    private static readonly string[] SignInPlaceholders = ["action", "client_name", "client_id", "username", "error", "request", "csrf_token"];
    private static readonly string[] ConsentPlaceholders = ["action", "client_name", "client_id", "username", ScopeCheckboxes, "request", "csrf_token"];
    private static readonly string[] ErrorPlaceholders = ["error", "error_description"];

    private readonly Template _signIn;
    private readonly Template _consent;
    private readonly Template _error;

    private PageTemplates(Template signIn, Template consent, Template error)
    {
        _signIn = signIn;
        _consent = consent;
        _error = error;
    }

    /// <summary>Reads and checks the three templates.</summary>
    /// <param name="options">The OAuth section; <see cref="OAuthOptions.TemplatesPath"/>, when set, picks the folder.</param>
    /// <exception cref="InvalidOperationException">A template is missing, names an unknown placeholder or lacks a required one.</exception>
    public static PageTemplates Load(OAuthOptions options)
    {
        var folder = string.IsNullOrEmpty(options.TemplatesPath) ? null : Path.GetFullPath(options.TemplatesPath);
        return new PageTemplates(
            Template.Parse(Read(folder, "signin.html"), SignInPlaceholders, ["request", "csrf_token"]),
            Template.Parse(Read(folder, "consent.html"), ConsentPlaceholders, ["request", "csrf_token", ScopeCheckboxes]),
            Template.Parse(Read(folder, "error.html"), ErrorPlaceholders, []));
    }

    /// <summary>One page's text and where it came from (for error messages): the folder, or the binary's resources.</summary>
    private static (string Source, string Text) Read(string? folder, string fileName)
    {
        if (folder is null)
        {
            // Logical names are set in FastGateway.csproj (EmbeddedResource templates/**).
            using var stream = typeof(PageTemplates).Assembly.GetManifestResourceStream("templates/" + fileName)
                ?? throw new InvalidOperationException($"The built-in authorization page template {fileName} is missing from the binary.");
            using var reader = new StreamReader(stream);
            return ("built-in templates/" + fileName, reader.ReadToEnd());
        }

        var path = Path.Combine(folder, fileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The authorization page template {path} is missing. Set OAuth:TemplatesPath to a folder with signin.html, consent.html and error.html.");
        }

        return (path, File.ReadAllText(path));
    }

    /// <summary>Renders the sign-in page.</summary>
    public string SignIn(IReadOnlyDictionary<string, string> values) => _signIn.Render(values);

    /// <summary>Renders the consent page; <see cref="ScopeCheckboxes"/> must already be HTML.</summary>
    public string Consent(IReadOnlyDictionary<string, string> values) => _consent.Render(values);

    /// <summary>Renders the error page.</summary>
    public string Error(string error, string description) =>
        _error.Render(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description });

    /// <summary>One parsed template: literal text and placeholder names, alternating.</summary>
    private sealed class Template
    {
        private readonly List<(string Text, string? Placeholder)> _parts;

        private Template(List<(string Text, string? Placeholder)> parts) => _parts = parts;

        public static Template Parse((string Source, string Text) page, string[] known, string[] required)
        {
            var (source, text) = page;
            var parts = new List<(string, string?)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var position = 0;
            while (true)
            {
                var open = text.IndexOf("{{", position, StringComparison.Ordinal);
                if (open < 0)
                {
                    parts.Add((text[position..], null));
                    break;
                }

                var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new InvalidOperationException($"{source}: '{{{{' at offset {open} is never closed with '}}}}'.");
                }

                var name = text[(open + 2)..close].Trim();
                if (Array.IndexOf(known, name) < 0)
                {
                    throw new InvalidOperationException($"{source}: unknown placeholder {{{{{name}}}}}; this page supports {string.Join(", ", known.Select(k => "{{" + k + "}}"))}.");
                }

                parts.Add((text[position..open], name));
                seen.Add(name);
                position = close + 2;
            }

            foreach (var name in required)
            {
                if (!seen.Contains(name))
                {
                    throw new InvalidOperationException($"{source}: the placeholder {{{{{name}}}}} is required.");
                }
            }

            return new Template(parts);
        }

        public string Render(IReadOnlyDictionary<string, string> values)
        {
            var builder = new StringBuilder();
            foreach (var (text, placeholder) in _parts)
            {
                builder.Append(text);
                if (placeholder is not null && values.TryGetValue(placeholder, out var value))
                {
                    builder.Append(placeholder == ScopeCheckboxes ? value : HtmlEncoder.Default.Encode(value));
                }
            }

            return builder.ToString();
        }
    }
}
