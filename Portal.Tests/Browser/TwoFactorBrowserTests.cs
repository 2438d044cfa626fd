using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Identity;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Browser;

/// <summary>The second factor and the session checks in a real Chromium: an administrator without an authenticator
/// sets one up (QR code page, code, recovery codes) and then signs in with its code; an open circuit loses its identity
/// once the account's access is revoked.</summary>
public sealed class TwoFactorBrowserTests
{
    [SkippableFact]
    public async Task An_admin_sets_up_an_authenticator_then_signs_in_with_its_code()
    {
        Requirements.Chromium();
        await using var factory = PortalFactory.Sqlite();
        var baseUrl = factory.StartOnLoopback();
        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var pudong = (await users.FindByNameAsync("pudong"))!;
            await users.SetTwoFactorEnabledAsync(pudong, false);
            await users.ResetAuthenticatorKeyAsync(pudong);
        }

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await (await browser.NewContextAsync(new() { BaseURL = baseUrl })).NewPageAsync();
            await page.GotoAsync("/account/login");
            await page.FillAsync("#login-username", "pudong");
            await page.FillAsync("#login-password", "BlazorVax@2026");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(url => url.Contains("/account/two-factor", StringComparison.Ordinal));

            Assert.True(await page.Locator("img[src^='data:image/png']").IsVisibleAsync());
            var key = (await page.GetAttributeAsync("#two-factor-key", "data-key"))!;
            await page.FillAsync("#two-factor-code", Totp.Code(key));
            await page.ClickAsync("button[type=submit]");
            await page.Locator("[data-recovery-codes] li").First.WaitForAsync();
            Assert.Equal(10, await page.Locator("[data-recovery-codes] li").CountAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ArtifactsDirectory, "two-factor-recovery-codes.png"), FullPage = true });
            await page.ClickAsync("#two-factor-continue");
            await page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal));
            await page.Locator(".console-user-name").WaitForAsync();

            // Signed out, the next sign-in asks for the new authenticator's code.
            await page.Locator("form[action='/account/logout'] button[type=submit]").ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
            await page.FillAsync("#login-username", "pudong");
            await page.FillAsync("#login-password", "BlazorVax@2026");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(url => url.Contains("/account/login/code", StringComparison.Ordinal));
            Assert.True(await page.Locator("[data-dev-hint]").IsVisibleAsync());
            await page.FillAsync("#login-code", Totp.Code(key));
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal));
            Assert.Equal("浦东新区 管理员", (await page.Locator(".console-user-name").TextContentAsync())?.Trim());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [SkippableFact]
    public async Task An_open_circuit_loses_its_identity_when_the_accounts_access_is_revoked()
    {
        Requirements.Chromium();
        await using var factory = PortalFactory.Sqlite(new Dictionary<string, string?> { ["Security:RevalidationSeconds"] = "1" });
        var baseUrl = factory.StartOnLoopback();

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await (await browser.NewContextAsync(new() { BaseURL = baseUrl })).NewPageAsync();
            await Chromium.SignInToConsoleAsync(page, "secadmin");
            await page.GotoAsync("/security/policy");
            await page.Locator("#security-form[data-ready=true]").WaitForAsync(new() { Timeout = 30_000 });

            using (var scope = factory.Services.CreateScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
                await scope.ServiceProvider.GetRequiredService<StaffAccessService>().RevokeAsync((await users.FindByNameAsync("secadmin"))!,
                    new StaffScope(null, "sysadmin", "系统管理员", [Roles.SystemAdmin], DataScopeKind.City), "role changed");
            }

            // No click, no reload: the circuit's revalidation takes the identity away and the page goes to the login form.
            await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal), new() { Timeout = 15_000 });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
