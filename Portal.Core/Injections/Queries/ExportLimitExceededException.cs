using Portal.Core.Common;

namespace Portal.Core.Injections.Queries;

/// <summary>An export would hold more rows than <see cref="InjectionQueryService.MaxExportRows"/>: the caller should narrow the filter.</summary>
public sealed class ExportLimitExceededException(int rowCount, int limit)
    : Exception($"The export would hold {rowCount} rows; at most {limit} can be exported at once. Narrow the date range or add a filter.")
{
    public int RowCount { get; } = rowCount;
    public int Limit { get; } = limit;

    public Bilingual UserMessage { get; } = new(
        $"导出数据共 {rowCount:N0} 条，超过单次上限 {limit:N0} 条，请缩小日期范围或增加筛选条件。",
        $"The export would hold {rowCount:N0} rows, more than the limit of {limit:N0}. Narrow the date range or add a filter.");
}
