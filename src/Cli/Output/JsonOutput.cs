using System.Text.Json;

namespace FastGateway.Cli.Output;

/// <summary>The <c>--json</c> output: indented JSON on stdout, the gateway's answer unchanged where there is one.</summary>
internal static class JsonOutput
{
    /// <summary>Writes one JSON value.</summary>
    public static void Write(JsonElement value) => Write(value.WriteTo);

    /// <summary>Writes <c>{"member": [items]}</c>: every page of a list as one document.</summary>
    public static void WriteList(string member, List<JsonElement> items) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray(member);
        foreach (var item in items)
        {
            item.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>Writes a JSON document built by <paramref name="build"/>.</summary>
    public static void Write(Action<Utf8JsonWriter> build)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            build(writer);
        }

        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
    }
}
