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
}
