using Portal.Core.Auditing;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Vaccines;
using Portal.Core.Identity;
using Portal.Core.Vaccines;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

public class VaccineRulesPageTests : BunitTestContext, IAsyncLifetime
{
    private TestDatabase _db = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await TestDatabase.SqliteAsync();
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(_db);
        Services.AddSingleton<IDbContextFactory<DbContext>>(_db);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(sp => new VaccineCatalogue(_db, Clock));
        Services.AddScoped<CatalogueRulesService>();
    }

    [Fact]
    public async Task City_admin_edits_the_age_window_and_sees_field_errors_in_chinese()
    {
        SignIn("市疾控", Roles.CityAdmin, StaffPolicies.Of(Roles.CityAdmin));
        await using var ctx = _db.CreateDbContext();
        var product = await ctx.Products.AsNoTracking().FirstAsync(p => p.Code == "COVID-BIBP");

        var page = Render<VaccineRules>(p => p.Add(x => x.Id, product.Id));
        page.WaitForAssertion(() => Assert.Contains("接种规则", page.Markup), TimeSpan.FromSeconds(10));

        page.Find("#rules-min-age").Change("-3");
        page.Find("#rules-save-product").Click();
        page.WaitForAssertion(() => Assert.Contains("最小年龄须在0至", page.Find("#rules-message").TextContent), TimeSpan.FromSeconds(10));

        page.Find("#rules-min-age").Change("480");
        page.Find("#rules-save-product").Click();
        page.WaitForAssertion(() => Assert.Contains("已保存", page.Find("#rules-message").TextContent), TimeSpan.FromSeconds(10));
        await using var check = _db.CreateDbContext();
        Assert.Equal(480, (await check.Products.SingleAsync(p => p.Id == product.Id)).MinAgeMonths);
        var audit = await check.AuditEntries.SingleAsync();
        Assert.Equal(AuditActions.CatalogueProductRules, audit.Action);
        Assert.Contains("-> age 480-", audit.Detail);
    }

    [Fact]
    public async Task Changing_a_bands_dose_count_adds_the_dose_row()
    {
        SignIn("市疾控", Roles.CityAdmin, StaffPolicies.Of(Roles.CityAdmin));
        await using var ctx = _db.CreateDbContext();
        var product = await ctx.Products.AsNoTracking().Include(p => p.Schedules).ThenInclude(s => s.Doses).FirstAsync(p => p.Code == "COVID-BIBP");
        var schedule = product.Schedules.First();
        var page = Render<VaccineRules>(p => p.Add(x => x.Id, product.Id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"#schedule-{schedule.Id}")), TimeSpan.FromSeconds(10));
        var before = page.FindAll("tr[id^='rule-']").Count;

        page.Find($"#schedule-{schedule.Id} .band-doses input").Change((schedule.DoseCount + 1).ToString());
        page.Find($"#schedule-{schedule.Id} .band-save").Click();

        page.WaitForAssertion(() => Assert.Equal(before + 1, page.FindAll("tr[id^='rule-']").Count), TimeSpan.FromSeconds(10));
        Assert.Contains("已保存", page.Find("#rules-message").TextContent);
    }

    [Fact]
    public void Vaccines_list_links_city_admins_to_the_editor()
    {
        SignIn("市疾控", Roles.CityAdmin, StaffPolicies.Of(Roles.CityAdmin));
        var page = Render<Vaccines>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("a.rules-link")), TimeSpan.FromSeconds(10));
        Assert.Contains(page.FindAll("a.rules-link"), a => a.GetAttribute("href")!.EndsWith("/rules", StringComparison.Ordinal));
    }

    [Fact]
    public void Vaccines_list_hides_the_editor_from_other_staff()
    {
        SignIn("区管理员", Roles.DistrictAdmin, StaffPolicies.Of(Roles.DistrictAdmin));
        var page = Render<Vaccines>();
        page.WaitForAssertion(() => Assert.Contains("佳达修9", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("a.rules-link"));
    }
}
