using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Vaccines;
using Portal.Core.Identity;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

public class ConsoleListPagesTests : BunitTestContext, IAsyncLifetime
{
    async Task IAsyncLifetime.InitializeAsync()
    {
        var db = await TestDatabase.SqliteAsync();
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(db);
    }

    [Fact]
    public void Vaccines_page_lists_the_seeded_products_with_their_schedules()
    {
        SignIn("市疾控", Roles.CityAdmin, Policies.Console);

        var page = Render<Vaccines>();

        page.WaitForAssertion(() => Assert.Contains("佳达修9", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("剂 (0", page.Markup);
    }

    [Fact]
    public void MudBlazor_s_own_strings_follow_the_UI_culture_in_the_pager()
    {
        SignIn("市疾控", Roles.CityAdmin, Policies.Console);

        var page = Render<Vaccines>();
        page.WaitForAssertion(() => Assert.Contains("佳达修9", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("每页行数", page.Markup);
        Assert.DoesNotContain("Rows per page", page.Markup);
        Assert.Contains(page.FindAll("button[aria-label]"), b => b.GetAttribute("aria-label") == "下一页");

        UseCulture(Portal.Localization.PortalCultures.English);
        var english = Render<Vaccines>();
        english.WaitForAssertion(() => Assert.Contains("Rows per page", english.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains(english.FindAll("button[aria-label]"), b => b.GetAttribute("aria-label") == "Next page");
    }
}
