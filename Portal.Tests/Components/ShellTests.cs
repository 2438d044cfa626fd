using System.Collections;
using System.Globalization;
using System.Net;
using System.Resources;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components;
using Portal.Components.Layout;
using Portal.Components.Pages;
using Portal.Components.Pages.Identity.Account;
using Portal.Core.Identity;
using Portal.Localization;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

public class ShellTests : BunitTestContext
{
    // The menu tests sign in with the product's real role-to-policy map (StaffPolicies reads the registered
    // policies), so a change to that map shows up here instead of being restated.
    private static readonly string[] DoctorPolicies = StaffPolicies.Of(Roles.Doctor);
    private static readonly string[] SiteAdminPolicies = StaffPolicies.Of(Roles.SiteAdmin);
    private static readonly string[] SystemAdminPolicies = StaffPolicies.Of(Roles.SystemAdmin);

    [Fact]
    public void Nav_menu_shows_accounts_to_a_user_with_the_manage_accounts_policy()
    {
        SignIn("张伟", Roles.SystemAdmin, SystemAdminPolicies);

        var hrefs = NavHrefs(Render<NavMenu>());

        Assert.Contains(PageRoutes.Accounts, hrefs);
    }

    [Fact]
    public void Nav_menu_hides_accounts_audit_and_sites_from_a_doctor()
    {
        SignIn("李医生", Roles.Doctor, DoctorPolicies);

        var hrefs = NavHrefs(Render<NavMenu>());

        Assert.DoesNotContain(PageRoutes.Accounts, hrefs);
        Assert.DoesNotContain(PageRoutes.Audit, hrefs);
        Assert.DoesNotContain(PageRoutes.Sites, hrefs);
        Assert.Equal([PageRoutes.Home, PageRoutes.Injections, PageRoutes.Vaccines, PageRoutes.ApiDocs], hrefs);
    }

    [Fact]
    public void Nav_menu_shows_injections_sites_and_screen_to_a_site_admin()
    {
        SignIn("王主任", Roles.SiteAdmin, SiteAdminPolicies);

        var hrefs = NavHrefs(Render<NavMenu>());

        Assert.Equal(
            [PageRoutes.Home, PageRoutes.Injections, PageRoutes.Screen, PageRoutes.Sites, PageRoutes.ArchiveRequests, PageRoutes.Slots, PageRoutes.Vaccines, PageRoutes.ApiDocs],
            hrefs);
    }

    [Fact]
    public void Nav_menu_shows_audit_only_to_the_audit_admin()
    {
        SignIn("赵审计", Roles.AuditAdmin, StaffPolicies.Of(Roles.AuditAdmin));

        var hrefs = NavHrefs(Render<NavMenu>());

        Assert.Contains(PageRoutes.Audit, hrefs);
        Assert.DoesNotContain(PageRoutes.Accounts, hrefs);
    }

    [Fact]
    public void Nav_menu_is_empty_for_an_anonymous_visitor()
    {
        var hrefs = NavHrefs(Render<NavMenu>());

        Assert.Empty(hrefs);
    }

    public static TheoryData<string> AllRoles => [.. Roles.All];

    [Theory]
    [MemberData(nameof(AllRoles))]
    public void Each_role_sees_exactly_the_entries_its_policies_grant(string role)
    {
        var granted = StaffPolicies.Of(role);
        SignIn("测试用户", role, granted);

        var hrefs = NavHrefs(Render<NavMenu>());

        Assert.Equal(NavItems.All.Where(i => granted.Contains(i.Policy)).Select(i => i.Href), hrefs);
        Assert.Contains(PageRoutes.Home, hrefs); // every staff role reaches the console
    }

    [Fact]
    public void Every_menu_entry_is_a_registered_policy_some_role_satisfies()
    {
        var reachable = Roles.All.SelectMany(StaffPolicies.Of).ToHashSet();

        Assert.All(NavItems.All, i => Assert.Contains(i.Policy, reachable));
    }

    public static TheoryData<string> NavPolicies => [.. NavItems.All.Select(i => i.Policy).Distinct()];

    [Theory]
    [MemberData(nameof(NavPolicies))]
    public void Each_nav_entry_is_guarded_by_its_own_policy(string policy)
    {
        SignIn("测试用户", Roles.CityAdmin, policy);

        var hrefs = NavHrefs(Render<NavMenu>());

        Assert.Equal(NavItems.All.Where(i => i.Policy == policy).Select(i => i.Href), hrefs);
    }

    [Fact]
    public void Screen_and_api_docs_open_in_a_new_tab_and_console_pages_do_not()
    {
        SignIn("张伟", Roles.CityAdmin, [.. NavItems.All.Select(i => i.Policy).Distinct()]);

        var links = Render<NavMenu>().FindAll("a.mud-nav-link").ToDictionary(a => a.GetAttribute("href")!, a => a.GetAttribute("target"));

        Assert.Equal(NavItems.All.Count, links.Count);
        Assert.Equal("_blank", links[PageRoutes.Screen]);
        Assert.Equal("_blank", links[PageRoutes.ApiDocs]);
        Assert.Null(links[PageRoutes.Injections]);
        Assert.Null(links[PageRoutes.Home]);
    }

    [Fact]
    public void Nav_menu_is_english_under_the_en_culture()
    {
        UseCulture("en");
        SignIn("Zhang Wei", Roles.SiteAdmin, SiteAdminPolicies);

        var text = Render<NavMenu>().Find("nav").TextContent;

        Assert.Contains("Injections", text);
        Assert.Contains("Big screen", text);
        Assert.DoesNotContain("接种记录", text);
        Assert.DoesNotContain("Nav_", text);
    }

    [Fact]
    public void Nav_menu_is_chinese_under_the_zh_cn_culture()
    {
        UseCulture("zh-CN");
        SignIn("张伟", Roles.SiteAdmin, SiteAdminPolicies);

        var text = Render<NavMenu>().Find("nav").TextContent;

        Assert.Contains("接种记录", text);
        Assert.Contains("大屏", text);
        Assert.DoesNotContain("Injections", text);
        Assert.DoesNotContain("Nav_", text);
    }

    [Fact]
    public void Chinese_is_the_default_culture_of_a_test_as_of_the_app()
    {
        SignIn("张伟", Roles.SiteAdmin, SiteAdminPolicies);

        Assert.Equal("zh-CN", CultureInfo.CurrentUICulture.Name);
        Assert.Contains("接种记录", Render<NavMenu>().Find("nav").TextContent);
    }

    [Fact]
    public void Culture_menu_offers_both_languages_linking_to_the_culture_endpoint()
    {
        var popovers = RenderPopoverProvider();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/injections?page=2");
        var switcher = Render<CultureSwitcher>();

        switcher.Find("button").Click();

        var items = popovers.FindAll("[data-culture]");
        Assert.Equal(["中文", "English"], items.Select(i => i.TextContent.Trim()));
        var english = popovers.Find("a[data-culture='en'], [data-culture='en'] a, [data-culture='en']");
        var href = english.GetAttribute("href") ?? english.QuerySelector("a")?.GetAttribute("href");
        Assert.Equal("/culture/set?culture=en&redirectUri=%2Finjections%3Fpage%3D2", href);
    }

    [Fact]
    public void Culture_links_for_static_pages_offer_both_languages()
    {
        UseCulture("en");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/account/login");

        var links = Render<CultureSwitcher>(p => p.Add(c => c.AsLinks, true)).FindAll("a[data-culture]");

        Assert.Equal(["中文", "English"], links.Select(a => a.TextContent.Trim()));
        Assert.Equal("/culture/set?culture=zh-CN&redirectUri=%2Faccount%2Flogin", links[0].GetAttribute("href"));
        Assert.Contains("culture-current", links[1].ClassList);
        Assert.DoesNotContain("culture-current", links[0].ClassList);
    }

    [Fact]
    public void Main_layout_shows_title_user_and_role_in_chinese()
    {
        SignIn("张伟", Roles.SystemAdmin, SystemAdminPolicies);

        var layout = RenderLayout();

        Assert.Contains("BlazorVax 疫苗接种管理平台", layout.Find(".console-title").TextContent);
        Assert.Equal("张伟", layout.Find(".console-user-name").TextContent);
        Assert.Equal("系统管理员", layout.Find(".console-user-role").TextContent);
        Assert.Contains("页面内容", layout.Find(".mud-main-content").TextContent);
    }

    [Fact]
    public void Main_layout_shows_title_and_role_in_english_under_en()
    {
        UseCulture("en");
        SignIn("Zhang Wei", Roles.SystemAdmin, SystemAdminPolicies);

        var layout = RenderLayout();

        Assert.Equal("BlazorVax Vaccination Management Platform", layout.Find(".console-title").TextContent);
        Assert.Equal("System administrator", layout.Find(".console-user-role").TextContent);
    }

    [Fact]
    public void Main_layout_has_an_antiforgery_protected_logout_form()
    {
        SignIn("张伟", Roles.Doctor, DoctorPolicies);

        var form = RenderLayout().Find($"form[action='{PageRoutes.Logout}']");

        Assert.Equal("post", form.GetAttribute("method"));
        Assert.NotNull(form.QuerySelector("input[type=hidden][name=__RequestVerificationToken]"));
        Assert.NotNull(form.QuerySelector("button[type=submit]"));
    }

    [Fact]
    public void Main_layout_shows_no_user_block_to_an_anonymous_visitor()
    {
        var layout = RenderLayout();

        Assert.Empty(layout.FindAll(".console-user"));
        Assert.Empty(layout.FindAll($"form[action='{PageRoutes.Logout}']"));
    }

    [Fact]
    public void Home_welcomes_the_user_with_role_scope_date_and_allowed_links()
    {
        SignIn("李医生", Roles.Doctor, DoctorPolicies, new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.Site)));

        var home = Render<Home>();

        Assert.Contains("欢迎，李医生", home.Find("h1").TextContent);
        Assert.Equal("接种医生", home.Find("[data-field=role]").TextContent);
        Assert.Equal("本接种点", home.Find("[data-field=scope]").TextContent);
        Assert.Contains("今天是 2025年3月8日星期六", string.Concat(home.Nodes.Select(n => n.TextContent)));
        var links = home.FindAll("a.home-link").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal([PageRoutes.Injections, PageRoutes.Vaccines, PageRoutes.ApiDocs], links);
    }

    [Fact]
    public void Home_shows_the_date_in_China_when_the_server_runs_on_UTC()
    {
        Clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 17, 30, 0, TimeSpan.Zero)); // 01:30 on 2 December in Shanghai
        SignIn("李医生", Roles.Doctor, DoctorPolicies, new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.Site)));

        var home = Render<Home>();

        Assert.Contains("今天是 2026年12月2日星期三", string.Concat(home.Nodes.Select(n => n.TextContent)));
    }

    [Fact]
    public void Home_formats_the_date_the_english_way_under_en()
    {
        UseCulture("en");
        SignIn("Li", Roles.CityAdmin, [Policies.Console], new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.City)));

        var home = Render<Home>();

        Assert.Contains("Today is Saturday, 3/8/2025", home.Markup);
        Assert.Equal("Whole city", home.Find("[data-field=scope]").TextContent);
        Assert.Equal("City administrator", home.Find("[data-field=role]").TextContent);
    }

    [Fact]
    public void Access_denied_page_is_localized()
    {
        Assert.Contains("无权访问", Render<AccessDenied>().Find("h1").TextContent);

        UseCulture("en");
        Assert.Contains("Access denied", Render<AccessDenied>().Find("h1").TextContent);
    }

    [Fact]
    public void Redirect_sends_an_anonymous_visitor_to_login_with_the_return_url()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/injections?page=2");

        Render<RedirectToLogin>(p => p.Add(r => r.User, new ClaimsPrincipal(new ClaimsIdentity())));

        Assert.Equal("http://localhost/account/login?returnUrl=%2Finjections%3Fpage%3D2", navigation.Uri);
    }

    [Fact]
    public void Redirect_sends_a_signed_in_user_without_the_policy_to_access_denied()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/accounts");
        var doctor = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "doctor")], "Identity.Application"));

        Render<RedirectToLogin>(p => p.Add(r => r.User, doctor));

        Assert.Equal("http://localhost" + PageRoutes.AccessDenied, navigation.Uri);
    }

    [Fact]
    public void Validation_messages_follow_the_ui_culture()
    {
        Assert.Equal("请输入用户名。", ValidationMessages.UserNameRequired);

        UseCulture("en");
        Assert.Equal("Enter your user name.", ValidationMessages.UserNameRequired);
        Assert.Equal("Enter your password.", ValidationMessages.PasswordRequired);
    }

    [Fact]
    public void Dates_and_numbers_follow_the_culture()
    {
        var day = new DateTime(2025, 3, 8);
        var zh = CultureInfo.GetCultureInfo("zh-CN");
        var en = CultureInfo.GetCultureInfo("en");

        Assert.Equal("2025/3/8", day.ToString("d", zh));
        Assert.Equal("2,345,678", 2345678.ToString("N0", zh));
        Assert.Equal("3/8/2025", day.ToString("d", en));
    }

    [Fact]
    public void Chinese_and_english_resources_have_the_same_keys_and_cover_the_menu()
    {
        var manager = new ResourceManager("Portal.Resources.SharedResources", typeof(SharedResources).Assembly);
        var neutral = Keys(manager.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false));
        var english = Keys(manager.GetResourceSet(CultureInfo.GetCultureInfo("en"), createIfNotExists: true, tryParents: false));

        Assert.NotEmpty(neutral);
        Assert.Equal(neutral, english);
        Assert.All(NavItems.All, i => Assert.Contains(i.LabelKey, neutral));
    }

    [Fact]
    public void Theme_css_colours_match_the_csharp_theme()
    {
        var css = File.ReadAllText(Path.Combine(RepositoryRoot(), "wwwroot-theme", "theme.css"));
        string Variable(string name) => Regex.Match(css, $@"--{name}:\s*(#[0-9A-Fa-f]{{6}})").Groups[1].Value;

        Assert.Equal(ConsoleTheme.Primary, Variable("vax-primary"), ignoreCase: true);
        Assert.Equal(ConsoleTheme.PrimaryDark, Variable("vax-primary-dark"), ignoreCase: true);
        Assert.Equal(ConsoleTheme.Secondary, Variable("vax-secondary"), ignoreCase: true);
        Assert.Equal(ConsoleTheme.Background, Variable("vax-background"), ignoreCase: true);
        Assert.Equal(ConsoleTheme.TextPrimary, Variable("vax-text"), ignoreCase: true);
        Assert.Equal(ConsoleTheme.Error, Variable("vax-error"), ignoreCase: true);
        Assert.Equal(ConsoleTheme.Primary, ConsoleTheme.Console.PaletteLight.Primary.ToString(MudBlazor.Utilities.MudColorOutputFormats.Hex), ignoreCase: true);
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/injections?page=2", true)]
    [InlineData("~/sites", true)]
    [InlineData("//evil.example/x", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_local_urls_are_accepted_for_redirects(string? url, bool local)
    {
        Assert.Equal(local, PageRoutes.IsLocalUrl(url));
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "页面内容"))));

    private static List<string> NavHrefs(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href")!)];

    private static SortedSet<string> Keys(ResourceSet? set) =>
        new(set?.Cast<DictionaryEntry>().Select(e => (string)e.Key) ?? [], StringComparer.Ordinal);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "wwwroot-theme")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("wwwroot-theme not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The culture endpoint and the request culture rules, on a test server with only the localization
/// pieces of <see cref="ConsoleUiExtensions"/> (the full app needs the database and Identity).</summary>
public class CultureEndpointTests : IAsyncLifetime
{
    private WebApplication app = default!;
    private HttpClient client = default!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddPortalLocalization();
        builder.Services.AddAuthorization();
        app = builder.Build();
        app.UsePortalLocalization();
        app.MapCultureEndpoint();
        app.MapGet("/probe", () => $"{CultureInfo.CurrentCulture.Name}|{CultureInfo.CurrentUICulture.Name}|{2345678:N0}|{new DateTime(2025, 3, 8):d}");
        await app.StartAsync();
        client = app.GetTestServer().CreateClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Default_culture_is_chinese_even_when_the_browser_asks_for_english()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/probe");
        request.Headers.AcceptLanguage.ParseAdd("en-US,en;q=0.9");

        var body = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Equal("zh-CN|zh-CN|2,345,678|2025/3/8", body);
    }

    [Fact]
    public async Task Culture_cookie_selects_english()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/probe");
        request.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Den%7Cuic%3Den");

        var body = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Equal("en|en|2,345,678|3/8/2025", body);
    }

    [Fact]
    public async Task Set_culture_writes_a_one_year_cookie_and_redirects_to_the_local_page()
    {
        var response = await client.GetAsync("/culture/set?culture=en&redirectUri=%2Finjections%3Fpage%3D2");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/injections?page=2", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(".AspNetCore.Culture=c%3Den%7Cuic%3Den;", cookie);
        var expires = DateTimeOffset.Parse(Regex.Match(cookie, "expires=([^;]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(360), DateTimeOffset.UtcNow.AddDays(367));
    }

    [Theory]
    [InlineData("/culture/set?culture=en&redirectUri=https%3A%2F%2Fevil.example%2F")]
    [InlineData("/culture/set?culture=en&redirectUri=%2F%2Fevil.example")]
    [InlineData("/culture/set?culture=fr&redirectUri=%2F")]
    [InlineData("/culture/set?redirectUri=%2F")]
    public async Task Set_culture_rejects_foreign_redirects_and_unsupported_cultures(string url)
    {
        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }
}
