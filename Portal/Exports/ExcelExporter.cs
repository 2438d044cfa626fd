using ClosedXML.Excel;

namespace Portal.Exports;

/// <summary>One column of an export: its header, its width in Excel character units (a Chinese character
/// counts about 2), how to read the value from a row and, for dates and numbers, an Excel number format.</summary>
public sealed record ExcelColumn<T>(string Header, double Width, Func<T, object?> Value, string? Format = null);

/// <summary>Writes rows to a real .xlsx workbook with ClosedXML: one sheet, a bold frozen header row and
/// column widths given by the caller. Every export of the console goes through here.</summary>
public sealed class ExcelExporter
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string DateTimeFormat = "yyyy-MM-dd HH:mm";
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>ClosedXML holds the whole workbook in memory until it is saved; two at a time keep a burst
    /// of exports from exhausting the server's memory (each waits for a free turn).</summary>
    private const int ConcurrentExports = 2;

    private readonly SemaphoreSlim turns = new(ConcurrentExports, ConcurrentExports);

    /// <summary>Writes the header and every row to <paramref name="output"/> (synchronously, at the end: hand it
    /// a file or memory stream, not a response body) and returns the number of data rows.</summary>
    public async Task<int> WriteAsync<T>(Stream output, string sheetName, IReadOnlyList<ExcelColumn<T>> columns,
        IAsyncEnumerable<T> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(sheetName);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        if (columns.Count == 0)
            throw new ArgumentException("An export needs at least one column.", nameof(columns));

        await turns.WaitAsync(ct);
        try
        {
            using var workbook = new XLWorkbook();
            var sheet = workbook.AddWorksheet(sheetName);
            WriteHeader(sheet, columns);

            var rowNumber = 1;
            await foreach (var row in rows.WithCancellation(ct))
            {
                rowNumber++;
                for (var c = 0; c < columns.Count; c++)
                    SetCell(sheet.Cell(rowNumber, c + 1), columns[c].Value(row));
            }

            sheet.Range(1, 1, rowNumber, columns.Count).SetAutoFilter();
            ct.ThrowIfCancellationRequested();
            workbook.SaveAs(output);
            return rowNumber - 1;
        }
        finally
        {
            turns.Release();
        }
    }

    private static void WriteHeader<T>(IXLWorksheet sheet, IReadOnlyList<ExcelColumn<T>> columns)
    {
        for (var c = 0; c < columns.Count; c++)
        {
            // Widths are set, never measured: AdjustToContents needs libgdiplus on Linux and is very slow.
            var column = sheet.Column(c + 1);
            column.Width = columns[c].Width;
            if (columns[c].Format is { } format)
                column.Style.NumberFormat.Format = format;
            var header = sheet.Cell(1, c + 1);
            header.SetValue(columns[c].Header);
            header.Style.NumberFormat.Format = "@";
        }

        var headerRow = sheet.Row(1);
        headerRow.Style.Font.Bold = true;
        headerRow.Style.Fill.BackgroundColor = XLColor.FromHtml("#E3F2FD");
        sheet.SheetView.FreezeRows(1);
    }

    private static void SetCell(IXLCell cell, object? value)
    {
        switch (value)
        {
            case null:
                break;
            // Strings go in as text: assigning Value would turn "0123" or "2025001" into numbers and "2025-03-01" into a date.
            case string text:
                cell.SetValue(XmlSafe(text));
                break;
            case DateTimeOffset instant:
                // The wall-clock time of the offset the caller chose (China time for our rows).
                cell.SetValue(instant.DateTime);
                break;
            case DateTime dateTime:
                cell.SetValue(dateTime);
                break;
            case DateOnly date:
                cell.SetValue(date.ToDateTime(TimeOnly.MinValue));
                break;
            case int number:
                cell.SetValue(number);
                break;
            case long number:
                cell.SetValue(number);
                break;
            case decimal number:
                cell.SetValue(number);
                break;
            case double number:
                cell.SetValue(number);
                break;
            case bool flag:
                cell.SetValue(flag);
                break;
            default:
                cell.SetValue(XmlSafe(value.ToString() ?? ""));
                break;
        }
    }

    /// <summary>Control characters other than tab and line breaks are not allowed in the sheet's XML.</summary>
    private static string XmlSafe(string text)
    {
        foreach (var ch in text)
        {
            if (char.IsControl(ch) && ch is not ('\t' or '\n' or '\r'))
                return string.Concat(text.Where(c => !char.IsControl(c) || c is '\t' or '\n' or '\r'));
        }
        return text;
    }
}
