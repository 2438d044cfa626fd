using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Browser;

/// <summary>A staff member's language follows them: chosen while signed in, it is saved on the account and applied
/// when they sign in on a browser that has never chosen; a choice made on the login page wins and is saved.</summary>
public sealed class PreferredCultureBrowserTests
{
    [SkippableFact]
    public async Task The_language_chosen_while_signed_in_follows_the_account_to_a_new_browser()
    {
        Requirements.Chromium();
        await using var factory = PortalFactory.Sqlite();
        var baseUrl = factory.StartOnLoopback();
        Task<string?> SavedAsync() => factory.WithDbAsync(db => db.Users.Where(u => u.UserName == "cdc").Select(u => u.PreferredCulture).SingleAsync());
        Assert.Null(await SavedAsync());

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            // Office PC: signs in (Chinese, the default), switches to English.
            var office = await NewPageAsync(browser, baseUrl);
            await Chromium.SignInToConsoleAsync(office, "cdc");
            Assert.Equal("zh-CN", await LangAsync(office));
            await office.GotoAsync("/culture/set?culture=en&redirectUri=%2F");
            Assert.Equal("en", await LangAsync(office));
            Assert.Equal("en", await SavedAsync());

            // A browser that never chose: English from the first page after sign-in.
            var laptop = await NewPageAsync(browser, baseUrl);
            await Chromium.SignInToConsoleAsync(laptop, "cdc");
            Assert.Equal("en", await LangAsync(laptop));

            // Someone who picks Chinese on the login page gets Chinese, and that becomes the saved choice.
            var kiosk = await NewPageAsync(browser, baseUrl);
            await kiosk.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Faccount%2Flogin");
            await Chromium.SignInToConsoleAsync(kiosk, "cdc");
            Assert.Equal("zh-CN", await LangAsync(kiosk));
            Assert.Equal("zh-CN", await SavedAsync());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task<IPage> NewPageAsync(IBrowser browser, string baseUrl) =>
        await (await browser.NewContextAsync(new() { BaseURL = baseUrl })).NewPageAsync();

    private static Task<string> LangAsync(IPage page) => page.EvaluateAsync<string>("document.documentElement.lang");
}
