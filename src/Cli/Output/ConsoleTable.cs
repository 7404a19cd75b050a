namespace FastGateway.Cli.Output;

/// <summary>A plain-text table: a header row and left-aligned columns separated by two spaces.</summary>
internal sealed class ConsoleTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; missing cells print as empty.</summary>
    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>Writes the table, or <paramref name="empty"/> when it has no rows.</summary>
    public void Write(TextWriter writer, string empty)
    {
        if (_rows.Count == 0)
        {
            writer.WriteLine(empty);
            return;
        }

        var widths = new int[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            widths[i] = headers[i].Length;
            foreach (var row in _rows)
            {
                widths[i] = Math.Max(widths[i], i < row.Length ? row[i].Length : 0);
            }
        }

        WriteRow(writer, headers, widths);
        foreach (var row in _rows)
        {
            WriteRow(writer, row, widths);
        }
    }

    private static void WriteRow(TextWriter writer, string[] cells, int[] widths)
    {
        var line = new System.Text.StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : "";
            line.Append(i == widths.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }

        writer.WriteLine(line.ToString().TrimEnd());
    }
}
