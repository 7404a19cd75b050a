using System.Collections.Generic;
using System.Text.Json;

namespace FastGateway.Generators;

/// <content>A small JSON tree whose every value keeps its byte position, built with <see cref="Utf8JsonReader"/>.</content>
internal sealed partial class GatewayDefinitionParser
{
    /// <summary>JSON value kinds the parser distinguishes.</summary>
    private enum JsonKind
    {
        Object,
        Array,
        String,
        Number,
        Boolean,
        Null,
    }

    /// <summary>Reads one value (the reader is on its first token) and everything inside it.</summary>
    private static JsonNode ReadValue(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var properties = new List<JsonProperty>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var nameStart = (int)reader.TokenStartIndex;
                    var nameLength = reader.ValueSpan.Length + 2;
                    var name = reader.GetString() ?? string.Empty;
                    reader.Read();
                    properties.Add(new JsonProperty(name, nameStart, nameLength, ReadValue(ref reader)));
                }

                return new JsonNode(JsonKind.Object, start, (int)reader.TokenStartIndex + 1 - start, null, properties, null);
            }

            case JsonTokenType.StartArray:
            {
                var items = new List<JsonNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader));
                }

                return new JsonNode(JsonKind.Array, start, (int)reader.TokenStartIndex + 1 - start, null, null, items);
            }

            case JsonTokenType.String:
                // ValueSpan is the raw (still escaped) text between the quotes.
                return new JsonNode(JsonKind.String, start, reader.ValueSpan.Length + 2, reader.GetString(), null, null);
            case JsonTokenType.Number:
                return new JsonNode(JsonKind.Number, start, reader.ValueSpan.Length, null, null, null);
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new JsonNode(JsonKind.Boolean, start, reader.ValueSpan.Length, null, null, null);
            default:
                return new JsonNode(JsonKind.Null, start, reader.ValueSpan.Length, null, null, null);
        }
    }

    /// <summary>A JSON value and its byte span in the file.</summary>
    private sealed class JsonNode
    {
        public JsonNode(JsonKind kind, int start, int length, string? text, List<JsonProperty>? properties, List<JsonNode>? items)
        {
            Kind = kind;
            Start = start;
            Length = length;
            Text = text;
            Properties = properties;
            Items = items;
        }

        /// <summary>The value's kind.</summary>
        public JsonKind Kind { get; }

        /// <summary>Byte offset of the value's first byte.</summary>
        public int Start { get; }

        /// <summary>Length in bytes.</summary>
        public int Length { get; }

        /// <summary>The unescaped string (strings only).</summary>
        public string? Text { get; }

        /// <summary>Properties in document order (objects only).</summary>
        public List<JsonProperty>? Properties { get; }

        /// <summary>Items (arrays only).</summary>
        public List<JsonNode>? Items { get; }

        /// <summary>The kind as a schema word, for messages.</summary>
        public string KindName => Kind switch
        {
            JsonKind.Object => "an object",
            JsonKind.Array => "an array",
            JsonKind.String => "a string",
            JsonKind.Number => "a number",
            JsonKind.Boolean => "a boolean",
            _ => "null",
        };
    }

    /// <summary>An object property: its name, the name's byte span, and its value.</summary>
    private sealed class JsonProperty
    {
        public JsonProperty(string name, int nameStart, int nameLength, JsonNode value)
        {
            Name = name;
            NameStart = nameStart;
            NameLength = nameLength;
            Value = value;
        }

        /// <summary>The unescaped name.</summary>
        public string Name { get; }

        /// <summary>Byte offset of the name's opening quote.</summary>
        public int NameStart { get; }

        /// <summary>Length of the quoted name in bytes.</summary>
        public int NameLength { get; }

        /// <summary>The value.</summary>
        public JsonNode Value { get; }
    }
}
