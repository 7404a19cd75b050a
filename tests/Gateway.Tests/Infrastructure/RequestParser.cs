using System.Text;

namespace FastGateway.Tests.Infrastructure;

/// <summary>Lenient HTTP/1.1 request parsing for <see cref="RecordingUpstream"/>.</summary>
internal static class RequestParser
{
    private const int MaxHead = 256 * 1024;

    // A whole request from the start of `data`, or null when more bytes are needed; error when it cannot be parsed.
    public static RecordedRequest? TryParse(List<byte> data, out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        var bytes = data.ToArray();
        // Leading empty lines are skipped (RFC 9112 section 2.2).
        var start = 0;
        while (start < bytes.Length && (bytes[start] == '\r' || bytes[start] == '\n'))
        {
            start++;
        }

        var lines = new List<string>();
        var offset = start;
        var headEnd = -1;
        while (true)
        {
            var lf = Array.IndexOf(bytes, (byte)'\n', offset);
            if (lf < 0)
            {
                if (bytes.Length - start > MaxHead)
                {
                    error = "head too long";
                }

                return null;
            }

            var line = Encoding.Latin1.GetString(bytes, offset, lf - offset);
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            offset = lf + 1;
            if (line.Length == 0)
            {
                headEnd = offset;
                break;
            }

            lines.Add(line);
        }

        if (lines.Count == 0)
        {
            consumed = headEnd;
            error = "empty head";
            return null;
        }

        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            error = $"malformed request line '{RecordingUpstream.Escape(lines[0])}'";
            return null;
        }

        var fields = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line[0] is ' ' or '\t' && fields.Count > 0)
            {
                // obs-fold: folded into the previous value, as lenient servers do.
                var last = fields[^1];
                fields[^1] = new(last.Key, last.Value + " " + line.Trim(' ', '\t'));
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"malformed field line '{RecordingUpstream.Escape(line)}'";
                return null;
            }

            fields.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }

        var transferEncoding = string.Join(",", fields.Where(f => f.Key.Trim().Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value));
        var contentLength = fields.FirstOrDefault(f => f.Key.Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        byte[] body;
        int end;
        if (transferEncoding.Length > 0 && transferEncoding.Split(',').Last().Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new List<byte>();
            var position = headEnd;
            while (true)
            {
                var lf = Array.IndexOf(bytes, (byte)'\n', position);
                if (lf < 0)
                {
                    return null;
                }

                var sizeLine = Encoding.Latin1.GetString(bytes, position, lf - position).TrimEnd('\r');
                var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
                var sizeText = (semicolon < 0 ? sizeLine : sizeLine[..semicolon]).Trim(' ', '\t');
                if (!long.TryParse(sizeText, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0 || size > int.MaxValue)
                {
                    error = $"malformed chunk size '{RecordingUpstream.Escape(sizeLine)}'";
                    return null;
                }

                position = lf + 1;
                if (size == 0)
                {
                    // Trailer section up to an empty line.
                    while (true)
                    {
                        var trailerEnd = Array.IndexOf(bytes, (byte)'\n', position);
                        if (trailerEnd < 0)
                        {
                            return null;
                        }

                        var trailer = Encoding.Latin1.GetString(bytes, position, trailerEnd - position).TrimEnd('\r');
                        position = trailerEnd + 1;
                        if (trailer.Length == 0)
                        {
                            break;
                        }
                    }

                    break;
                }

                if (bytes.Length < position + size)
                {
                    return null;
                }

                decoded.AddRange(bytes.AsSpan(position, (int)size));
                position += (int)size;
                var crlfEnd = Array.IndexOf(bytes, (byte)'\n', position);
                if (crlfEnd < 0)
                {
                    return null;
                }

                if (crlfEnd - position > 1 || (crlfEnd - position == 1 && bytes[position] != '\r'))
                {
                    error = "chunk data not followed by CRLF";
                    return null;
                }

                position = crlfEnd + 1;
            }

            body = [.. decoded];
            end = position;
        }
        else if (contentLength is not null)
        {
            if (!long.TryParse(contentLength.Split(',')[0].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) || length > int.MaxValue)
            {
                error = $"malformed Content-Length '{contentLength}'";
                return null;
            }

            if (bytes.Length < headEnd + length)
            {
                return null;
            }

            body = bytes.AsSpan(headEnd, (int)length).ToArray();
            end = headEnd + (int)length;
        }
        else
        {
            body = [];
            end = headEnd;
        }

        consumed = end;
        return new RecordedRequest
        {
            Method = requestLine[0],
            Target = requestLine[1],
            Version = requestLine[2],
            Fields = fields,
            RawLines = lines,
            RawHead = bytes.AsSpan(start, headEnd - start).ToArray(),
            Body = body,
        };
    }
}
