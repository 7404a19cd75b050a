using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FastGateway.Hosting;

/// <summary>
/// Small JSON state files (clients, scope schemas) written so a crash never leaves a torn file:
/// write a temporary file, flush it to disk, then rename it over the old one (atomic on POSIX).
/// </summary>
internal static class DurableFile
{
    /// <summary>Reads a JSON file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON for <typeparamref name="T"/>.</exception>
    public static T? ReadJson<T>(string path, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, typeInfo);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid: {e.Message}", e);
        }
    }

    /// <summary>Writes a JSON file durably; returns once the data is on disk.</summary>
    public static void WriteJson<T>(string path, T value, JsonTypeInfo<T> typeInfo)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, value, typeInfo);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
