using Portal.Api;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Injections.Queries;
using Portal.Core.Areas;

namespace Portal.Exports;

/// <summary>Query string of GET /exports/injections.xlsx; names as in <see cref="ExportRoutes"/>.</summary>
public sealed record InjectionExportQuery(
    [property: FromQuery(Name = ExportRoutes.From)] DateOnly? From,
    [property: FromQuery(Name = ExportRoutes.To)] DateOnly? To,
    [property: FromQuery(Name = ExportRoutes.District), TextInput(District.CodeLength, TextKind.Code)] string? District,
    [property: FromQuery(Name = ExportRoutes.Site)] long? Site,
    [property: FromQuery(Name = ExportRoutes.Programme)] long? Programme,
    [property: FromQuery(Name = ExportRoutes.Product)] long? Product,
    [property: FromQuery(Name = ExportRoutes.Dose)] int? Dose,
    [property: FromQuery(Name = ExportRoutes.Text), TextInput(InjectionFilter.MaxTextLength)] string? Q)
{
    public InjectionFilter ToFilter() => new()
    {
        From = From,
        To = To,
        DistrictCode = District,
        SiteId = Site,
        ProgrammeId = Programme,
        ProductId = Product,
        DoseNumber = Dose,
        Text = Q,
    };
}

/// <summary>What the export endpoints need from the container.</summary>
public sealed record ExportServices(InjectionQueryService Queries, AuditService Audit, ExcelExporter Excel, TimeProvider Clock);

public static class ExportsApi
{
    public const string InjectionEntityType = "Injection";

    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ExportRoutes.Prefix)
            .WithTags("Exports")
            .RequireAuthorization(Policies.ViewInjections);
        group.MapGet(ExportRoutes.InjectionsFile, ExportInjectionsAsync)
            .WithName("ExportInjections")
            .WithSummary("导出接种记录（Excel，证件号码与手机号码脱敏）/ Export injections as .xlsx with masked ID and phone numbers")
            .Produces(StatusCodes.Status200OK, contentType: ExcelExporter.ContentType)
            .ProducesErrors(InjectionsErrors.ExportTooLarge);
        return app;
    }

    /// <summary>Builds the workbook in a temporary file (ClosedXML saves synchronously, and a response body only
    /// takes asynchronous writes), audits the export, then streams the file, which is deleted when closed.</summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> ExportInjectionsAsync(
        [AsParameters] InjectionExportQuery query, [AsParameters] ExportServices services, HttpContext http, CancellationToken ct)
    {
        var scope = StaffScope.From(http.User);
        var filter = query.ToFilter();
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"blazorvax-export-{Guid.NewGuid():N}.xlsx"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        int rows;
        try
        {
            rows = await services.Excel.WriteAsync(file, InjectionExport.SheetName, InjectionExport.Columns,
                services.Queries.StreamAsync(scope, filter, ct), ct);
            await services.Audit.WriteAsync(scope, AuditActions.Export, InjectionEntityType, null,
                $"{rows.ToString(CultureInfo.InvariantCulture)} rows to {InjectionExport.SheetName}.xlsx; filter {Describe(query)}",
                http.Connection.RemoteIpAddress?.ToString(), ct);
        }
        catch (ExportLimitExceededException e)
        {
            await file.DisposeAsync();
            return ProblemWriter.Result(InjectionsErrors.ExportTooLarge, e.UserMessage, [new("rowCount", e.RowCount), new("limit", e.Limit)]);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }

        file.Position = 0;
        // Personal data, even masked: no shared or browser cache keeps a copy.
        http.Response.Headers.CacheControl = "no-store";
        // The file name is Chinese: ASP.NET Core writes it as filename*=UTF-8''... (RFC 5987/6266) with an ASCII fallback.
        return TypedResults.File(file, ExcelExporter.ContentType, InjectionExport.FileName(ChinaTime.Today(services.Clock)));
    }

    private static string Describe(InjectionExportQuery q) => string.Join(' ', new (string Name, object? Value)[]
        {
            (ExportRoutes.From, q.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            (ExportRoutes.To, q.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            (ExportRoutes.District, q.District),
            (ExportRoutes.Site, q.Site),
            (ExportRoutes.Programme, q.Programme),
            (ExportRoutes.Product, q.Product),
            (ExportRoutes.Dose, q.Dose),
            (ExportRoutes.Text, q.Q),
        }
        .Where(p => p.Value is not null && !(p.Value is string s && string.IsNullOrWhiteSpace(s)))
        .Select(p => $"{p.Name}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}")
        .DefaultIfEmpty("(none)"));
}
