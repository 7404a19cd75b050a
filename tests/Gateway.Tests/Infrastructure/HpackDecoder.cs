using System.Text;

namespace FastGateway.Tests.Infrastructure;

/// <summary>HPACK decoding (RFC 7541) for <see cref="Http2FrameClient"/>.</summary>
internal sealed class HpackDecoder
{
    private static readonly (string Name, string Value)[] StaticTable =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"), (":scheme", "http"),
        (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"), (":status", "304"), (":status", "400"),
        (":status", "404"), (":status", "500"), ("accept-charset", ""), ("accept-encoding", "gzip, deflate"), ("accept-language", ""),
        ("accept-ranges", ""), ("accept", ""), ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""),
        ("cache-control", ""), ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""), ("etag", ""), ("expect", ""),
        ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""), ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""),
        ("if-unmodified-since", ""), ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
        ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""), ("server", ""), ("set-cookie", ""),
        ("strict-transport-security", ""), ("transfer-encoding", ""), ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ];

    // RFC 7541 Appendix B codes for the characters a status code or a number uses: (code, bit length, char).
    private static readonly (uint Code, int Bits, char Char)[] HuffmanDigits =
    [
        (0x0, 5, '0'), (0x1, 5, '1'), (0x2, 5, '2'), (0x19, 6, '3'), (0x1a, 6, '4'), (0x1b, 6, '5'), (0x1c, 6, '6'), (0x1d, 6, '7'),
        (0x1e, 6, '8'), (0x1f, 6, '9'),
    ];

    private readonly List<(string Name, string Value)> _dynamic = [];

    public IReadOnlyList<KeyValuePair<string, string>> Decode(byte[] block)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var position = 0;
        while (position < block.Length)
        {
            var first = block[position];
            if ((first & 0x80) != 0)
            {
                var index = ReadInteger(block, ref position, 7);
                var (name, value) = Lookup(index);
                fields.Add(new(name, value));
            }
            else if ((first & 0xc0) == 0x40)
            {
                var (name, value) = ReadLiteral(block, ref position, 6);
                _dynamic.Insert(0, (name, value));
                fields.Add(new(name, value));
            }
            else if ((first & 0xe0) == 0x20)
            {
                ReadInteger(block, ref position, 5); // dynamic table size update: sizes are not enforced here
            }
            else
            {
                var (name, value) = ReadLiteral(block, ref position, 4);
                fields.Add(new(name, value));
            }
        }

        return fields;
    }

    private (string Name, string Value) Lookup(int index) =>
        index <= StaticTable.Length ? StaticTable[index - 1] : _dynamic[index - StaticTable.Length - 1];

    private (string Name, string Value) ReadLiteral(byte[] block, ref int position, int prefixBits)
    {
        var index = ReadInteger(block, ref position, prefixBits);
        var name = index == 0 ? ReadString(block, ref position) : Lookup(index).Name;
        return (name, ReadString(block, ref position));
    }

    private static string ReadString(byte[] block, ref int position)
    {
        var huffman = (block[position] & 0x80) != 0;
        var length = ReadInteger(block, ref position, 7);
        var bytes = block.AsSpan(position, length);
        position += length;
        return huffman ? DecodeHuffmanDigits(bytes) : Encoding.Latin1.GetString(bytes);
    }

    private static string DecodeHuffmanDigits(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        uint bits = 0;
        var count = 0;
        var index = 0;
        while (true)
        {
            while (count < 8 && index < bytes.Length)
            {
                bits = (bits << 8) | bytes[index++];
                count += 8;
            }

            if (count < 5)
            {
                return text.ToString(); // padding
            }

            var matched = false;
            foreach (var (code, length, character) in HuffmanDigits)
            {
                if (count >= length && ((bits >> (count - length)) & ((1u << length) - 1)) == code)
                {
                    text.Append(character);
                    count -= length;
                    bits &= (1u << count) - 1;
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                // All-ones padding (at most 7 bits) ends the string; anything else is a character not in the table.
                return count < 8 && bits == (1u << count) - 1 && index == bytes.Length ? text.ToString() : "<huffman>";
            }
        }
    }

    private static int ReadInteger(byte[] block, ref int position, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        var value = block[position++] & max;
        if (value < max)
        {
            return value;
        }

        var shift = 0;
        byte next;
        do
        {
            next = block[position++];
            value += (next & 0x7f) << shift;
            shift += 7;
        }
        while ((next & 0x80) != 0);
        return value;
    }
}
