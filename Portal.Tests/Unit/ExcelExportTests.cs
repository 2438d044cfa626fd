using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ClosedXML.Excel;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;
using Portal.Core.Common.Privacy;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Injections.Queries;
using Portal.Exports;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

public class ExcelExportTests : IAsyncLifetime
{
    private static readonly string[] ExpectedHeaders =
        ["接种时间", "姓名", "证件号码", "手机号码", "性别", "年龄", "疫苗", "剂次", "批号", "接种单位", "所属区", "接种医生"];

    private InjectionTestKit data = default!;

    public async Task InitializeAsync() => data = await InjectionTestKit.CreateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Injection_export_has_chinese_headers_and_only_masked_personal_data()
    {
        // A doctor may reveal numbers on screen; the file must still be masked.
        using var workbook = await ExportAsync(data.DoctorAtSiteA, new InjectionFilter());

        var sheet = workbook.Worksheet(InjectionExport.SheetName);
        Assert.Equal(ExpectedHeaders, Enumerable.Range(1, ExpectedHeaders.Length).Select(c => sheet.Cell(1, c).GetString()));
        Assert.Equal(3, sheet.LastRowUsed().RowNumber()); // header + the doctor's two rows

        var text = AllText(sheet);
        Assert.Contains("310104********1234", text);
        Assert.Contains("138****5678", text);
        Assert.Contains("张*丰", text);
        Assert.DoesNotContain(InjectionTestKit.ZhangIdNumber, text);
        Assert.DoesNotContain(InjectionTestKit.ZhangPhone, text);
        Assert.DoesNotContain("张三丰", text);
        Assert.DoesNotContain("310105", text); // the other district's resident is out of the doctor's scope
    }

    [Fact]
    public async Task Injection_export_formats_rows_for_people()
    {
        using var workbook = await ExportAsync(InjectionTestKit.CityAdmin, new InjectionFilter());
        var sheet = workbook.Worksheet(InjectionExport.SheetName);

        var first = sheet.Row(2);
        Assert.Equal(XLDataType.DateTime, first.Cell(1).DataType);
        Assert.Equal(new DateTime(2025, 3, 7, 10, 15, 0), first.Cell(1).GetDateTime()); // China time, not UTC
        Assert.Equal("yyyy-MM-dd HH:mm", first.Cell(1).Style.DateFormat.Format);
        Assert.Equal("男", first.Cell(5).GetString());
        Assert.Equal(34, first.Cell(6).GetValue<int>());
        Assert.Equal(1, first.Cell(8).GetValue<int>());
        Assert.Equal("TEST-LOT-01", first.Cell(9).GetString());
        Assert.Equal("徐汇区", first.Cell(11).GetString());
        Assert.Equal("王医生", first.Cell(12).GetString());
        Assert.Equal("—", sheet.Row(3).Cell(12).GetString());
        Assert.Equal("女", sheet.Row(3).Cell(5).GetString());
    }

    [Fact]
    public async Task Header_row_is_bold_and_frozen_and_widths_are_set_explicitly()
    {
        using var workbook = await ExportAsync(InjectionTestKit.CityAdmin, new InjectionFilter());
        var sheet = workbook.Worksheet(InjectionExport.SheetName);

        Assert.True(sheet.Cell(1, 1).Style.Font.Bold);
        Assert.False(sheet.Cell(2, 1).Style.Font.Bold);
        Assert.Equal(1, sheet.SheetView.SplitRow);
        for (var c = 0; c < InjectionExport.Columns.Count; c++)
            Assert.Equal(InjectionExport.Columns[c].Width, sheet.Column(c + 1).Width, 1);
    }

    [Fact]
    public async Task Exporter_keeps_text_as_text_and_counts_rows()
    {
        ExcelColumn<(string Code, int? Count)>[] columns =
        [
            new("编码", 12, r => r.Code),
            new("数量", 8, r => r.Count),
        ];
        using var stream = new MemoryStream();

        var rows = await new ExcelExporter().WriteAsync(stream, "测试", columns, Rows<(string Code, int? Count)>(("0123", 5), ("=1+1", null), ("2025-03-01", 7)));

        Assert.Equal(3, rows);
        stream.Position = 0;
        using var workbook = new XLWorkbook(stream);
        var sheet = workbook.Worksheet("测试");
        Assert.Equal("0123", sheet.Cell(2, 1).GetString());
        Assert.Equal(XLDataType.Text, sheet.Cell(2, 1).DataType);
        Assert.False(sheet.Cell(3, 1).HasFormula);
        Assert.Equal("=1+1", sheet.Cell(3, 1).GetString());
        Assert.True(sheet.Cell(3, 2).IsEmpty());
        Assert.Equal(XLDataType.Text, sheet.Cell(4, 1).DataType);
        Assert.Equal(7, sheet.Cell(4, 2).GetValue<int>());
    }

    [Fact]
    public void File_name_is_the_sheet_name_and_the_china_date()
    {
        Assert.Equal("接种记录_20250308.xlsx", InjectionExport.FileName(new DateOnly(2025, 3, 8)));
    }

    [Fact]
    public void Export_url_carries_the_filter_criteria_only()
    {
        var url = ExportRoutes.InjectionsUrl(new InjectionFilter
        {
            From = new DateOnly(2025, 3, 1), To = new DateOnly(2025, 3, 8), DistrictCode = "310104", Text = "张", Page = 3, PageSize = 20,
        });

        Assert.Equal("/exports/injections.xlsx?from=2025-03-01&to=2025-03-08&district=310104&q=%E5%BC%A0", url);
        Assert.Equal("/exports/injections.xlsx", ExportRoutes.InjectionsUrl(new InjectionFilter()));
    }

    [Fact]
    public async Task Endpoint_streams_a_named_workbook_and_audits_the_export()
    {
        await using var app = await StartAppAsync();
        using var client = app.GetTestServer().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/exports/injections.xlsx?from=2025-03-01&to=2025-03-08&district=310104");
        request.Headers.Add(TestAuthHandler.ScopeHeader, "City");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExcelExporter.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("接种记录_20250308.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Contains("filename*=UTF-8''%E6%8E%A5%E7%A7%8D%E8%AE%B0%E5%BD%95_20250308.xlsx", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());

        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet(InjectionExport.SheetName);
        Assert.Equal(2, sheet.LastRowUsed().RowNumber()); // header + the one Xuhui injection in March

        await using var db = data.Db.CreateDbContext();
        var audit = await db.AuditEntries.SingleAsync();
        Assert.Equal(AuditActions.Export, audit.Action);
        Assert.Equal("test-user", audit.UserId);
        Assert.StartsWith("1 rows", audit.Detail);
        Assert.Contains("district=310104", audit.Detail);
    }

    [Fact]
    public async Task Endpoint_requires_a_signed_in_user_with_the_policy()
    {
        await using var app = await StartAppAsync();
        using var client = app.GetTestServer().CreateClient();

        using var response = await client.GetAsync("/exports/injections.xlsx");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await data.CountAuditAsync());
    }

    [Fact]
    public async Task Endpoint_refuses_an_export_over_the_limit_with_a_bilingual_problem()
    {
        await using var app = await StartAppAsync(exportRowLimit: 2);
        using var client = app.GetTestServer().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/exports/injections.xlsx");
        request.Headers.Add(TestAuthHandler.ScopeHeader, "City");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("export_too_large", body);
        Assert.Equal(0, await data.CountAuditAsync());
    }

    private async Task<XLWorkbook> ExportAsync(StaffScope scope, InjectionFilter filter)
    {
        var stream = new MemoryStream();
        await new ExcelExporter().WriteAsync(stream, InjectionExport.SheetName, InjectionExport.Columns, data.Service.StreamAsync(scope, filter));
        stream.Position = 0;
        return new XLWorkbook(stream);
    }

    private static string AllText(IXLWorksheet sheet) =>
        string.Join("\n", sheet.CellsUsed().Select(c => c.GetString()));

    private static async IAsyncEnumerable<T> Rows<T>(params T[] rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }

    private async Task<WebApplication> StartAppAsync(int? exportRowLimit = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IDbContextFactory<DbContext>>(data.Db);
        builder.Services.AddSingleton<IPersonalDataProtector>(data.Protector);
        builder.Services.AddSingleton<TimeProvider>(data.Clock);
        builder.Services.AddInjections().AddAuditing().AddExports();
        if (exportRowLimit is { } limit)
        {
            builder.Services.AddScoped(sp => new InjectionQueryService(
                sp.GetRequiredService<IDbContextFactory<DbContext>>(), data.Protector, data.Clock) { ExportRowLimit = limit });
        }
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, _ => { });
        builder.Services.AddAuthorization(o => o.AddPolicy(Policies.ViewInjections, p => p.RequireRole(Roles.CityAdmin, Roles.DistrictAdmin, Roles.SiteAdmin, Roles.Doctor, Roles.EmployerAdmin)));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapExportsApi();
        await app.StartAsync();
        return app;
    }

    /// <summary>Signs in a city administrator when the request carries the scope header; anonymous otherwise.</summary>
    private sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";
        public const string ScopeHeader = "X-Test-Scope";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(ScopeHeader, out var kind))
                return Task.FromResult(AuthenticateResult.NoResult());

            var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "test-user"),
                new Claim(ClaimTypes.Name, "city.admin"),
                new Claim(ClaimTypes.Role, Roles.CityAdmin),
                new Claim(StaffClaimTypes.ScopeKind, kind.ToString()),
            ], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
