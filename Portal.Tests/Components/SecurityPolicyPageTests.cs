using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Components.Pages.Identity.Security;
using Portal.Core.Auditing;
using Portal.Core.Identity;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

public class SecurityPolicyPageTests : BunitTestContext, IAsyncLifetime
{
    private TestDatabase db = default!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        db = await TestDatabase.SqliteAsync();
        Services.AddSingleton(new SecurityPolicyService(db, Options.Create(new SecurityOptions()), Clock));
    }

    private IRenderedComponent<SecurityPolicyPage> RenderAsSecurityAdmin()
    {
        SignIn("安全管理员", Roles.SecurityAdmin, StaffPolicies.Of(Roles.SecurityAdmin));
        RenderPopoverProvider();
        return Render<SecurityPolicyPage>();
    }

    [Fact]
    public void Shows_the_configuration_defaults_until_a_policy_is_saved()
    {
        var page = RenderAsSecurityAdmin();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#security-defaults")));
        var ticked = page.FindAll("[data-role] input[type=checkbox]").Where(i => i.HasAttribute("checked"))
            .Select(i => i.Closest("[data-role]")!.GetAttribute("data-role")!).ToList();
        Assert.Equal(SecurityOptions.DefaultTwoFactorRoles, ticked);
        Assert.Equal("30", page.Find("#security-idle").GetAttribute("value"));
    }

    [Fact]
    public async Task Saving_changes_the_roles_and_timeout_and_audits_old_and_new()
    {
        var page = RenderAsSecurityAdmin();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#security-form")));

        page.Find("[data-role='SiteAdmin'] input").Change(true);
        page.Find("[data-role='AuditAdmin'] input").Change(false);
        page.Find("#security-idle").Change("15");
        page.Find("#security-save").Click();

        page.WaitForAssertion(() => Assert.Contains("安全策略已保存", page.Find("#security-message").TextContent));
        await using var ctx = db.CreateDbContext();
        var row = await ctx.SecuritySettings.SingleAsync();
        Assert.Equal(("CityAdmin,DistrictAdmin,SiteAdmin,SystemAdmin,SecurityAdmin", 15), (row.TwoFactorRoles, row.IdleTimeoutMinutes));
        var audit = await ctx.AuditEntries.SingleAsync(e => e.Action == AuditActions.SecurityPolicyChanged);
        Assert.Equal("安全管理员", audit.UserName);
        Assert.Equal("two-factor roles [CityAdmin,DistrictAdmin,SystemAdmin,SecurityAdmin,AuditAdmin], idle timeout 30 min -> "
            + "two-factor roles [CityAdmin,DistrictAdmin,SiteAdmin,SystemAdmin,SecurityAdmin], idle timeout 15 min", audit.Detail);
    }

    [Fact]
    public async Task An_idle_timeout_out_of_range_is_refused_and_nothing_is_saved()
    {
        var service = Services.GetRequiredService<SecurityPolicyService>();
        var who = new StaffScope("u1", "secadmin", "安全管理员", [Roles.SecurityAdmin], DataScopeKind.City);

        var error = await Assert.ThrowsAsync<Portal.Core.Common.DomainValidationException>(() => service.UpdateAsync([Roles.CityAdmin], 0, who, null));

        Assert.Equal("idleTimeoutMinutes", Assert.Single(error.Errors).Field);
        await using var ctx = db.CreateDbContext();
        Assert.False(await ctx.SecuritySettings.AnyAsync());
        Assert.False(await ctx.AuditEntries.AnyAsync());
    }
}
