using System.Globalization;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bunit;
using ClosedXML.Excel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api;
using Portal.Core.Archives;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Employers;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Data;
using Portal.Data.Seed;
using Portal.Exports;
using Portal.Dashboard;
using Portal.Tests.TestSupport;
using Xunit.Abstractions;
using Portal.Core.Waitlist;

namespace Portal.Tests.Security;

/// <summary>
/// Data scope, swept: every scoped caller (a district administrator, a site administrator, a doctor, an employer
/// administrator and the PDA) opens every surface that <c>route-roles.txt</c> lets it open and that needs a sign-in
/// (GET routes of the real route table: console pages, exports, JSON lists, and the live hub's snapshot for the hub
/// route). Pages are read twice: as the server prerenders them over HTTP and as they are once interactive (the page
/// component rendered with bUnit over the portal's own services and the principal the portal built from the caller's
/// cookie: grids that load their rows after the first render are empty in the prerendered HTML). Exports are opened
/// as workbooks. Every surface is also called with another district's and site's ids in its filter, and routes with
/// parameters with ids of rows outside the scope.
/// <para>What lies outside each caller's scope is computed from the database with the scope rules written out here
/// (not with the product's own queries): other districts, their streets and sites, other employers, residents with no
/// injection, archive request or reachable waitlist entry in scope, other districts' waitlist campaigns. None of their
/// names, codes or masked numbers may appear. Personal data: no full ID or phone number anywhere, no full name for a
/// role that may not reveal personal data, masked name, ID and phone columns in every export.</para>
/// <para>Not vacuous: on every surface where the city administrator sees rows, the caller must see at least one row of
/// its own (its own display name left out), and the injections export holds exactly the caller's injections.</para>
/// </summary>
public abstract partial class ScopeSweepTests(ITestOutputHelper output) : PortalOnProvider
{
    private const string City = "cdc";
    private const string PudongCode = "310115";
    private const string XuhuiCode = "310104";
    private const string ChangningCode = "310105";

    /// <summary>The scoped callers; the city administrator is called too, to tell surfaces with rows from those without.</summary>
    private static readonly string[] ScopedCallers = ["pudong", "clinic", "doctor", "employer", SweepIdentities.Pda];

    /// <summary>Headers of the export columns that hold personal data (InjectionExport); checked in every workbook.</summary>
    private const string NameHeader = "姓名";
    private const string IdHeader = "证件号码";
    private const string PhoneHeader = "手机号码";

    private IReadOnlyList<SweepIdentity> identities = [];
    private readonly Dictionary<string, Caller> callers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Rules> rulesOf = new(StringComparer.Ordinal);
    private World world = null!;

    protected override async Task ArrangeAsync()
    {
        identities = await SweepIdentities.SignInAllAsync(Factory);
        await ArrangeRowsOnBothSidesOfEveryScopeAsync();
        // The screens read figures computed in the background: recompute them with the rows above.
        await Factory.Services.GetRequiredService<LiveDashboardNotifier>().RefreshAsync();
        world = await World.LoadAsync(Factory);
        foreach (var name in ScopedCallers.Append(City))
        {
            callers[name] = await CallerAsync(identities.Single(i => i.Name == name));
            rulesOf[name] = Rules.For(callers[name], world);
        }
    }

    [SkippableFact]
    public async Task Scoped_callers_see_only_their_own_scope_on_every_surface_they_may_open()
    {
        SkipUnlessAvailable();
        var matrix = ReadMatrix();
        var routes = GetRoutes(Factory.Services.GetRequiredService<EndpointDataSource>());
        var unknown = routes.Where(r => !matrix.ContainsKey(r)).ToList();
        Assert.True(unknown.Count == 0, "GET routes missing from route-roles.txt (RouteRoleSweepTests says how to add them):\n" + string.Join('\n', unknown));

        var surfacesOf = ScopedCallers.ToDictionary(c => c, c => routes
            .Where(r => matrix[r][c] == "ok" && matrix[r][SweepIdentities.Anonymous] != "ok")
            .ToList());
        var publicRoutes = routes.Count(r => matrix[r][SweepIdentities.Anonymous] == "ok");

        // What the city sees on each surface: a surface where it sees no row of anyone's (the catalogue, the home page,
        // the account pages) has nothing to scope, and is only searched for leaks.
        var cityCaller = callers[City];
        var dataSurfaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var surface in surfacesOf.Values.SelectMany(s => s).Distinct())
        {
            if (matrix[surface][City] != "ok")
            {
                dataSurfaces.Add(surface);
                continue;
            }

            var seen = await ObserveAsync(cityCaller, surface, Variant.Plain);
            var rules = rulesOf[City];
            if (seen.Any(o => rules.Allowed.Any(m => Evidence(o.Text, cityCaller).Contains(m.Text, StringComparison.Ordinal))))
                dataSurfaces.Add(surface);
        }

        var problems = new List<(string Where, string What)>();
        var observations = 0;
        var coverage = new StringBuilder();
        foreach (var name in ScopedCallers)
        {
            var caller = callers[name];
            var rules = rulesOf[name];
            coverage.Append(CultureInfo.InvariantCulture, $"{name} ({caller.Describe()}): {rules.Forbidden.Count} forbidden and {rules.Allowed.Count} allowed markers; surfaces:");
            foreach (var surface in surfacesOf[name])
            {
                var plain = await ObserveAsync(caller, surface, Variant.Plain);
                var foreign = await ObserveAsync(caller, surface, Variant.Foreign);
                observations += plain.Count + foreign.Count;
                var own = rules.Allowed.Where(m => plain.Any(o => Evidence(o.Text, caller).Contains(m.Text, StringComparison.Ordinal))).ToList();
                coverage.Append(' ').Append(surface).Append(dataSurfaces.Contains(surface) ? "" : " (no rows)")
                    .Append(CultureInfo.InvariantCulture, $" [{string.Join(' ', own.GroupBy(m => m.Kind).Select(g => $"{g.Key}:{g.DistinctBy(m => m.Entity).Count()}"))}]");
                foreach (var seen in plain.Concat(foreign))
                {
                    problems.AddRange(seen.Problems.Select(p => ($"{name} {seen.Label}", p)));
                    problems.AddRange(Leaks(rules, seen.Text).Select(m => ($"{name} {seen.Label}", $"{m.Kind} {m.Entity} \"{m.Text}\" is outside its scope")));
                }

                if (dataSurfaces.Contains(surface)
                    && !plain.Any(o => rules.Allowed.Any(m => Evidence(o.Text, caller).Contains(m.Text, StringComparison.Ordinal))))
                    problems.Add(($"{name} {surface}", $"shows rows to the city but none of {name}'s own "
                        + $"({string.Join(", ", plain.Select(o => $"{o.Label} {o.Status}"))})"));
            }

            coverage.Append('\n');
        }

        output.WriteLine($"{routes.Count} GET routes, {publicRoutes} public (not swept), {dataSurfaces.Count} surfaces with rows; {observations} observations");
        output.WriteLine(coverage.ToString());
        // Grouped by what was read, a few examples each: one leak tends to show many rows.
        Assert.True(problems.Count == 0, $"{problems.Count} scope problem(s):\n" + string.Join('\n', problems.GroupBy(p => p.Where)
            .Select(g => $"{g.Key}: {g.Count()}, e.g. {string.Join("; ", g.Select(p => p.What).Take(4))}")));
    }

    // ---- what the callers see ----

    private enum Variant
    {
        /// <summary>The surface as a link opens it.</summary>
        Plain,
        /// <summary>With filters naming another district and site, and route parameters naming rows outside the scope.</summary>
        Foreign,
    }

    /// <param name="Label">Which surface, how it was read.</param>
    /// <param name="Text">What the caller could read: decoded HTML, the strings of a JSON answer, the cells of a workbook.</param>
    /// <param name="Problems">What is wrong with it beyond the markers (an unmasked column, a wrong row count).</param>
    private sealed record Observation(string Label, string Status, string Text, IReadOnlyList<string> Problems);

    private async Task<List<Observation>> ObserveAsync(Caller caller, string surface, Variant variant)
    {
        if (surface == LiveRoutes.Hub)
            return variant == Variant.Plain ? [await HubAsync(caller)] : [];

        var result = new List<Observation>();
        foreach (var url in Urls(caller, surface, variant))
        {
            using var response = await caller.Identity.Client.GetAsync(url);
            var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            var body = await response.Content.ReadAsByteArrayAsync();
            var type = response.Content.Headers.ContentType?.MediaType ?? "";
            var label = $"GET {url}";
            if (type == ExcelExporter.ContentType)
                result.Add(Workbook(caller, label, status, body, variant));
            else if (type.Contains("json", StringComparison.Ordinal))
                result.Add(new(label, status, JsonStrings(body), []));
            else if (type == "text/html")
                result.Add(new(label, status, WebUtility.HtmlDecode(Encoding.UTF8.GetString(body)), []));
            else
                result.Add(new(label, status, Encoding.UTF8.GetString(body), []));
        }

        if (variant == Variant.Plain && PageComponent(surface) is { } page)
            result.Add(await InteractiveAsync(caller, surface, page));
        return result;
    }

    /// <summary>The plain URL, or with another district's and site's ids in the export filters (the portal's only
    /// query filters; pages ignore them) and route parameters filled with each id of a row outside the scope.</summary>
    private IEnumerable<string> Urls(Caller caller, string surface, Variant variant)
    {
        var parameters = RouteParameter().IsMatch(surface);
        if (variant == Variant.Plain)
        {
            if (!parameters) yield return surface;
            yield break;
        }

        var rules = rulesOf[caller.Name];
        var district = world.Districts.First(d => rules.IsForeign(MarkerKind.District, d.Code) || caller.Kind == DataScopeKind.Employer);
        var site = world.Sites.First(s => rules.IsForeign(MarkerKind.Site, s.Id.ToString(CultureInfo.InvariantCulture))
            || (caller.Kind == DataScopeKind.Employer && s.DistrictCode == district.Code));
        var query = $"?{ExportRoutes.District}={district.Code}&{ExportRoutes.Site}={site.Id.ToString(CultureInfo.InvariantCulture)}";
        if (!parameters)
        {
            yield return surface + query;
            yield break;
        }

        foreach (var id in rules.ForeignIds.Take(20))
            yield return RouteParameter().Replace(surface, id.ToString(CultureInfo.InvariantCulture)) + query;
    }

    private async Task<Observation> HubAsync(Caller caller)
    {
        await using var client = await LiveHubClient.ConnectAsync(Factory.Server, caller.Identity.Hub);
        var (json, snapshot) = await client.GetSnapshotAsync();
        return new($"HUB GetSnapshot", snapshot is null ? "null" : "snapshot", JsonStrings(Encoding.UTF8.GetBytes(json)), []);
    }

    /// <summary>Every cell of every sheet; masked personal-data columns; for the injections export, exactly the
    /// caller's injections (all of them, as no date is given; none when the filter names another district or site).</summary>
    private Observation Workbook(Caller caller, string label, string status, byte[] body, Variant variant)
    {
        var problems = new List<string>();
        var text = new StringBuilder();
        using var workbook = new XLWorkbook(new MemoryStream(body));
        foreach (var sheet in workbook.Worksheets)
        {
            var used = sheet.RangeUsed();
            if (used is null) continue;
            var headers = used.FirstRow().Cells().ToDictionary(c => c.Address.ColumnNumber, c => c.GetString());
            var rows = used.RowsUsed().Skip(1).ToList();
            foreach (var row in rows)
            {
                foreach (var cell in row.CellsUsed())
                {
                    var value = cell.GetString();
                    text.Append(value).Append('\n');
                    var header = headers.GetValueOrDefault(cell.Address.ColumnNumber);
                    if ((header == NameHeader && !value.Contains('*', StringComparison.Ordinal))
                        || (header == IdHeader && !MaskedIdNumber().IsMatch(value))
                        || (header == PhoneHeader && value.Length > 0 && !MaskedPhone().IsMatch(value)))
                        problems.Add($"sheet {sheet.Name} {cell.Address}: {header} \"{value}\" is not masked");
                }
            }

            if (sheet.Name != InjectionExport.SheetName) continue;
            foreach (var header in new[] { NameHeader, IdHeader, PhoneHeader }.Where(h => !headers.ContainsValue(h)))
                problems.Add($"sheet {sheet.Name} has no {header} column to check");
            var expected = variant == Variant.Plain ? world.InjectionsOf(caller).Count()
                : caller.Kind is DataScopeKind.District or DataScopeKind.Site ? 0 : rows.Count;
            if (rows.Count != expected)
                problems.Add($"sheet {sheet.Name} has {rows.Count} rows, {caller.Name}'s scope has {expected}");
            if (variant == Variant.Foreign && rows.Count > world.InjectionsOf(caller).Count())
                problems.Add($"sheet {sheet.Name}: the filter widened the scope to {rows.Count} rows");
        }

        return new(label + " (xlsx)", status, text.ToString(), problems);
    }

    /// <summary>The page component once interactive: rendered with bUnit over a scope of the portal's own services
    /// (MudBlazor and the JS runtime are bUnit's), the caller's principal as the cascading authentication state, until
    /// its markup stops changing (grids load their rows after the first render).</summary>
    private async Task<Observation> InteractiveAsync(Caller caller, string surface, Type page)
    {
        var label = $"{surface} (interactive {page.Name})";
        if (caller.Principal is not { } user)
            return new(label, "no principal", "", [$"no cookie principal to render {page.Name} with"]);
        using var services = Factory.Services.CreateScope();
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton<AntiforgeryStateProvider>(new NoAntiforgery());
        context.Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(user));
        context.Services.AddSingleton(services.ServiceProvider.GetRequiredService<IAuthorizationService>());
        context.Services.AddSingleton(services.ServiceProvider.GetRequiredService<IAuthorizationPolicyProvider>());
        context.Services.AddFallbackServiceProvider(services.ServiceProvider);
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var state = Task.FromResult(new AuthenticationState(user));
        try
        {
            var rendered = context.Render(b =>
            {
                b.OpenComponent<MudPopoverProvider>(0);
                b.CloseComponent();
                b.OpenComponent<CascadingValue<Task<AuthenticationState>>>(1);
                b.AddComponentParameter(2, nameof(CascadingValue<object>.Value), state);
                b.AddComponentParameter(3, nameof(CascadingValue<object>.ChildContent), (RenderFragment)(c =>
                {
                    c.OpenComponent(0, page);
                    c.CloseComponent();
                }));
                b.CloseComponent();
            });
            var markup = rendered.Markup;
            var stable = DateTime.UtcNow;
            for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline && DateTime.UtcNow - stable < TimeSpan.FromMilliseconds(300);)
            {
                await Task.Delay(50);
                if (rendered.Markup is var now && now != markup)
                    (markup, stable) = (now, DateTime.UtcNow);
            }

            return new(label, "rendered", WebUtility.HtmlDecode(markup), []);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new(label, "failed", "", [$"rendering failed: {e.GetType().Name}: {e.Message}"]);
        }
    }

    /// <summary>The routable component of a console page; none for static account pages (no interactive instance).</summary>
    private static Type? PageComponent(string pattern) => typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttribute<Microsoft.AspNetCore.Components.ExcludeFromInteractiveRoutingAttribute>() is null)
        .FirstOrDefault(t => t.GetCustomAttributes<RouteAttribute>().Any(r => string.Equals("/" + r.Template.TrimStart('/'), pattern, StringComparison.OrdinalIgnoreCase)));

    private static string JsonStrings(byte[] body)
    {
        var text = new StringBuilder();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        text.Append(p.Name).Append('\n');
                        Walk(p.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray()) Walk(item);
                    break;
                case JsonValueKind.String:
                    text.Append(e.GetString()).Append('\n');
                    break;
                default:
                    text.Append(e.GetRawText()).Append('\n');
                    break;
            }
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            Walk(document.RootElement);
            return text.ToString();
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(body);
        }
    }

    /// <summary>What counts as the caller's own rows on a surface: everything but its own display name (which the
    /// console's header shows on every page, and which names the site or employer of a site or employer account).</summary>
    private static string Evidence(string text, Caller caller) =>
        caller.DisplayName.Length == 0 ? text : text.Replace(caller.DisplayName, "\u0000", StringComparison.Ordinal);

    private static IEnumerable<Marker> Leaks(Rules rules, string text) =>
        rules.Forbidden.Where(m => text.Contains(m.Text, StringComparison.Ordinal)).DistinctBy(m => (m.Kind, m.Entity));

    // ---- who the callers are ----

    /// <summary>A caller and the data scope its account was given (the staff account row, not the claims the portal
    /// derives from it: a sweep that read the scope through the product's own claims would widen with it).</summary>
    /// <param name="Principal">What the portal authenticated from the console cookie (for the interactive renders).</param>
    private sealed record Caller(string Name, SweepIdentity Identity, DataScopeKind Kind, string? District, long? Site, long? Employer,
        bool MayReveal, string DisplayName, ClaimsPrincipal? Principal)
    {
        public string Describe() => Kind switch
        {
            DataScopeKind.District => $"district {District}",
            DataScopeKind.Site => $"site {Site}",
            DataScopeKind.Employer => $"employer {Employer}",
            _ => Kind.ToString(),
        } + (MayReveal ? ", may reveal" : ", masked");
    }

    private async Task<Caller> CallerAsync(SweepIdentity identity)
    {
        // The PDA token is the demo doctor's, for the site it signed in at.
        var userName = identity.Name == SweepIdentities.Pda ? "doctor" : identity.Name;
        var (account, roles) = await Factory.WithDbAsync(async db =>
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
            var names = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == user.Id select r.Name!).ToListAsync();
            return (user, names);
        });
        var mayReveal = roles.Any(Roles.MayRevealPersonalData.Contains);
        if (identity.Name == SweepIdentities.Pda)
        {
            var token = new JsonWebTokenHandler().ReadJsonWebToken(identity.Client.DefaultRequestHeaders.Authorization!.Parameter!);
            var site = long.Parse(token.GetClaim(PdaApi.SiteClaim).Value, CultureInfo.InvariantCulture);
            Assert.True(site == account.ScopeSiteId, $"the PDA token names site {site}, the doctor's account site {account.ScopeSiteId}");
            return new(identity.Name, identity, DataScopeKind.Site, null, site, null, mayReveal, account.DisplayName, null);
        }

        var cookie = string.Join("; ", identity.Client.DefaultRequestHeaders.GetValues("Cookie"));
        var http = await Factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/account/access-denied";
            c.Request.Headers.Cookie = cookie;
        });
        Assert.True(http.User.Identity?.IsAuthenticated == true, $"{identity.Name}'s cookie did not authenticate");
        return new(identity.Name, identity, account.ScopeKind, account.ScopeKind == DataScopeKind.District ? account.ScopeDistrictCode : null,
            account.ScopeKind == DataScopeKind.Site ? account.ScopeSiteId : null, account.ScopeKind == DataScopeKind.Employer ? account.ScopeEmployerId : null,
            mayReveal, account.DisplayName, http.User);
    }

    // ---- the rows, and who may see which ----

    private enum MarkerKind { District, Street, Site, Employer, Resident, Campaign, PersonalData }

    /// <param name="Entity">The row it belongs to (for the failure message), e.g. "site 12".</param>
    /// <param name="Key">The row's id or code.</param>
    private sealed record Marker(MarkerKind Kind, string Entity, string Key, string Text);

    private sealed record DistrictRow(string Code, string Name);
    private sealed record StreetRow(string Code, string Name, string DistrictCode);
    private sealed record SiteRow(long Id, string Code, string Name, string DistrictCode, string StreetCode);
    private sealed record EmployerRow(long Id, string Name, string DistrictCode);
    private sealed record ResidentRow(long Id, string Name, string IdMasked, string? PhoneMasked, long? EmployerId, string IdNumber, string? Phone);
    private sealed record InjectionRow(long ResidentId, long SiteId, string DistrictCode);
    private sealed record ArchiveRow(long ResidentId, long ToSiteId);
    private sealed record WaitingRow(long ResidentId, string? PreferredDistrict, long? PreferredSite);
    private sealed record CampaignRow(long Id, string Name, string? DistrictCode);

    private sealed record World(List<DistrictRow> Districts, List<StreetRow> Streets, List<SiteRow> Sites, List<EmployerRow> Employers,
        List<ResidentRow> Residents, List<InjectionRow> Injections, List<ArchiveRow> Archives, List<WaitingRow> Waiting, List<CampaignRow> Campaigns)
    {
        public static Task<World> LoadAsync(PortalFactory factory) => factory.WithDbAsync(async db =>
        {
            var protector = factory.Services.GetRequiredService<IPersonalDataProtector>();
            var residents = await db.Residents.AsNoTracking().ToListAsync();
            return new World(
                await db.Districts.AsNoTracking().OrderBy(d => d.Code).Select(d => new DistrictRow(d.Code, d.Name)).ToListAsync(),
                await db.Streets.AsNoTracking().Select(s => new StreetRow(s.Code, s.Name, s.DistrictCode)).ToListAsync(),
                await db.Sites.AsNoTracking().OrderBy(s => s.Code).Select(s => new SiteRow(s.Id, s.Code, s.Name, s.DistrictCode, s.StreetCode)).ToListAsync(),
                await db.Employers.AsNoTracking().Select(e => new EmployerRow(e.Id, e.Name, e.DistrictCode)).ToListAsync(),
                [.. residents.Select(r => new ResidentRow(r.Id, r.Name, r.IdNumberMasked, r.PhoneMasked, r.EmployerId,
                    protector.Unprotect(r.IdNumberCipher), r.PhoneCipher is null ? null : protector.Unprotect(r.PhoneCipher)))],
                await db.Injections.AsNoTracking().Select(i => new InjectionRow(i.ResidentId, i.SiteId, i.DistrictCode)).ToListAsync(),
                await db.ArchiveRequests.AsNoTracking().Select(a => new ArchiveRow(a.ResidentId, a.ToSiteId)).ToListAsync(),
                await db.Set<WaitlistEntry>().AsNoTracking().Where(e => e.Status == WaitlistStatus.Waiting)
                    .Select(e => new WaitingRow(e.ResidentId, e.PreferredDistrictCode, e.PreferredSiteId)).ToListAsync(),
                await db.Set<WaitlistCampaign>().AsNoTracking().Select(c => new CampaignRow(c.Id, c.Name, c.DistrictCode)).ToListAsync());
        });

        public string DistrictOfSite(long site) => Sites.Single(s => s.Id == site).DistrictCode;

        /// <summary>The injections in the caller's scope: given at a site of its district, at its site, or to a member
        /// of its employer's staff (the resident's employer now, as the console's list has it).</summary>
        public IEnumerable<InjectionRow> InjectionsOf(Caller c) => c.Kind switch
        {
            DataScopeKind.City => Injections,
            DataScopeKind.District => Injections.Where(i => i.DistrictCode == c.District),
            DataScopeKind.Site => Injections.Where(i => i.SiteId == c.Site),
            DataScopeKind.Employer => Injections.Where(i => Residents.Single(r => r.Id == i.ResidentId).EmployerId == c.Employer),
            _ => [],
        };
    }

    /// <summary>The markers (names, codes, masked numbers) a caller may see and those it must not.</summary>
    private sealed class Rules
    {
        public List<Marker> Allowed { get; } = [];
        public List<Marker> Forbidden { get; } = [];

        /// <summary>Ids of rows outside the scope (sites, employers, residents, campaigns), for route parameters.</summary>
        public List<long> ForeignIds { get; } = [];

        public bool IsForeign(MarkerKind kind, string key) => Forbidden.Any(m => m.Kind == kind && m.Key == key);

        public static Rules For(Caller c, World w)
        {
            var rules = new Rules();
            bool? Site(SiteRow s) => c.Kind switch
            {
                DataScopeKind.City => true,
                DataScopeKind.District => s.DistrictCode == c.District,
                DataScopeKind.Site => s.Id == c.Site,
                _ => null, // an employer's staff are vaccinated anywhere: sites are no boundary of its scope
            };
            var siteDistrict = c.Site is { } own ? w.DistrictOfSite(own) : null;
            var siteStreet = c.Site is { } mine ? w.Sites.Single(s => s.Id == mine).StreetCode : null;
            bool? District(DistrictRow d) => c.Kind switch
            {
                DataScopeKind.City => true,
                DataScopeKind.District => d.Code == c.District,
                DataScopeKind.Site => d.Code == siteDistrict,
                _ => null,
            };
            bool? Street(StreetRow s) => c.Kind switch
            {
                DataScopeKind.City => true,
                DataScopeKind.District => s.DistrictCode == c.District,
                DataScopeKind.Site => s.Code == siteStreet,
                _ => null,
            };
            bool Employer(EmployerRow e) => c.Kind switch
            {
                DataScopeKind.City => true,
                // A district ranks the employers of the district; a site's screen ranks none (docs/features/live-screens.md).
                DataScopeKind.District => e.DistrictCode == c.District,
                DataScopeKind.Employer => e.Id == c.Employer,
                _ => false,
            };
            bool Campaign(CampaignRow x) => c.Kind switch
            {
                DataScopeKind.City => true,
                DataScopeKind.District => x.DistrictCode == c.District,
                _ => false,
            };
            var ownResidents = new HashSet<long>(w.InjectionsOf(c).Select(i => i.ResidentId));
            if (c.Kind is DataScopeKind.City)
                ownResidents.UnionWith(w.Residents.Select(r => r.Id));
            if (c.Kind is DataScopeKind.District)
            {
                ownResidents.UnionWith(w.Archives.Where(a => w.DistrictOfSite(a.ToSiteId) == c.District).Select(a => a.ResidentId));
                // The candidate rule of a district's draw: preferring the district or a site in it, or no preference.
                ownResidents.UnionWith(w.Waiting.Where(e => e.PreferredDistrict == c.District || (e.PreferredDistrict is null && e.PreferredSite is null)
                    || (e.PreferredSite is { } p && w.DistrictOfSite(p) == c.District)).Select(e => e.ResidentId));
            }
            if (c.Kind is DataScopeKind.Site)
                ownResidents.UnionWith(w.Archives.Where(a => a.ToSiteId == c.Site).Select(a => a.ResidentId));
            if (c.Kind is DataScopeKind.Employer)
                ownResidents.UnionWith(w.Residents.Where(r => r.EmployerId == c.Employer).Select(r => r.Id));

            void Add(bool? inScope, Marker marker, long? id = null)
            {
                if (inScope == true) rules.Allowed.Add(marker);
                else if (inScope == false)
                {
                    rules.Forbidden.Add(marker);
                    if (id is { } foreign) rules.ForeignIds.Add(foreign);
                }
            }

            foreach (var d in w.Districts) Add(District(d), new(MarkerKind.District, $"district {d.Code}", d.Code, d.Name));
            foreach (var s in w.Streets) Add(Street(s), new(MarkerKind.Street, $"street {s.Code}", s.Code, s.Name));
            foreach (var s in w.Sites)
            {
                var key = s.Id.ToString(CultureInfo.InvariantCulture);
                Add(Site(s), new(MarkerKind.Site, $"site {s.Code}", key, s.Code), s.Id);
                Add(Site(s), new(MarkerKind.Site, $"site {s.Code}", key, s.Name));
            }
            foreach (var e in w.Employers)
                Add(Employer(e), new(MarkerKind.Employer, $"employer {e.Id}", e.Id.ToString(CultureInfo.InvariantCulture), e.Name), e.Id);
            foreach (var x in w.Campaigns)
                Add(Campaign(x), new(MarkerKind.Campaign, $"campaign {x.Id}", x.Id.ToString(CultureInfo.InvariantCulture), x.Name), x.Id);
            foreach (var r in w.Residents)
            {
                var inScope = ownResidents.Contains(r.Id);
                var entity = $"resident {r.Id}";
                var key = r.Id.ToString(CultureInfo.InvariantCulture);
                Add(inScope, new(MarkerKind.Resident, entity, key, r.IdMasked), r.Id);
                if (!string.IsNullOrEmpty(r.PhoneMasked)) Add(inScope, new(MarkerKind.Resident, entity, key, r.PhoneMasked));
                // Names of two characters are too short to tell apart from other text (and from each other once masked).
                if (new StringInfo(r.Name).LengthInTextElements >= 3)
                {
                    Add(inScope, new(MarkerKind.Resident, entity, key, Masking.MaskName(r.Name)));
                    if (inScope && !c.MayReveal)
                        rules.Forbidden.Add(new(MarkerKind.PersonalData, $"{entity}'s unmasked name (the role may not reveal it)", key, r.Name));
                    else
                        Add(inScope, new(MarkerKind.Resident, entity, key, r.Name));
                }

                // Lists, exports and screens show masked numbers to every role: the full ones only come from an audited reveal.
                rules.Forbidden.Add(new(MarkerKind.PersonalData, $"{entity}'s full ID number", key, r.IdNumber));
                if (r.Phone is { } phone) rules.Forbidden.Add(new(MarkerKind.PersonalData, $"{entity}'s full phone number", key, phone));
            }

            // A marker inside one the caller may see (a street in its own site's name, equal masked numbers of two
            // people) cannot be told apart from it: left out.
            rules.Forbidden.RemoveAll(f => f.Kind != MarkerKind.PersonalData && rules.Allowed.Any(a => a.Text.Contains(f.Text, StringComparison.Ordinal)));
            rules.Forbidden.RemoveAll(f => f.Kind == MarkerKind.PersonalData && f.Text.Length == 0);
            return rules;
        }
    }

    // ---- arrangement ----

    /// <summary>Today's injections, archive requests, waitlist entries and campaigns on both sides of every scoped
    /// caller's boundary (the demo data is random and may leave a scope empty): at the district's site to a member of
    /// another district's employer's staff and to a member of a new employer of the district; at the clinic's site;
    /// at another district's site to the employer's staff; at a third district's site to someone nobody scoped sees.</summary>
    private Task ArrangeRowsOnBothSidesOfEveryScopeAsync() => Factory.WithDbAsync(async db =>
    {
        var pudong = await db.Sites.Where(s => s.DistrictCode == PudongCode).OrderBy(s => s.Code).FirstAsync();
        var xuhui = await db.Sites.Where(s => s.DistrictCode == XuhuiCode).OrderBy(s => s.Code).FirstAsync();
        var changning = await db.Sites.Where(s => s.DistrictCode == ChangningCode).OrderBy(s => s.Code).FirstAsync();
        var clinicSite = (await db.Set<StaffUser>().SingleAsync(u => u.UserName == "clinic")).ScopeSiteId!.Value;
        var clinic = await db.Sites.SingleAsync(s => s.Id == clinicSite);
        var employerId = (await db.Set<StaffUser>().SingleAsync(u => u.UserName == "employer")).ScopeEmployerId!.Value;
        var account = await db.ResidentAccounts.OrderBy(a => a.Id).FirstAsync();
        var product = await db.Products.Where(p => !p.IsScarce && p.IsActive).OrderBy(p => p.Id).FirstAsync();
        var lot = await db.Lots.Where(l => l.ProductId == product.Id).OrderBy(l => l.Id).FirstAsync();
        var scarce = await db.Products.Where(p => p.IsScarce).OrderBy(p => p.Id).FirstAsync();

        var local = new Employer
        {
            Name = "浦东范围扫描测试有限公司", CreditCode = "91310115SCOPE0001X", DistrictCode = PudongCode, StreetCode = pudong.StreetCode, HeadCount = 80,
        };
        db.Employers.Add(local);
        await db.SaveChangesAsync();

        // People with no row anywhere yet, so that each one's place inside or outside a scope is the one arranged here.
        var fresh = await db.Residents.Where(r => r.EmployerId == null && r.Name != DemoDataSeeder.DemoChildName
                && !db.Injections.Any(i => i.ResidentId == r.Id) && !db.Appointments.Any(a => a.ResidentId == r.Id))
            .OrderBy(r => r.Id).Take(11).ToListAsync();
        Assert.True(fresh.Count == 11, $"the demo data has only {fresh.Count} residents without injections");
        fresh[0].EmployerId = employerId;
        fresh[1].EmployerId = local.Id;
        fresh[3].EmployerId = employerId;

        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        Injection Dose(int person, Core.Sites.Site site) => new()
        {
            ResidentId = fresh[person].Id, ProductId = product.Id, ProgrammeId = product.ProgrammeId, LotId = lot.Id, DoseNumber = 1,
            SiteId = site.Id, DoctorUserId = "scope-sweep", InjectedAt = at, InjectedOn = ChinaTime.DateOf(at), BodySite = "左上臂三角肌",
            DistrictCode = site.DistrictCode, StreetCode = site.StreetCode, EmployerId = fresh[person].EmployerId, CreatedAt = at,
        };
        db.Injections.AddRange(Dose(0, pudong), Dose(1, pudong), Dose(2, clinic), Dose(3, xuhui), Dose(4, changning));

        ArchiveRequest Request(int person, Core.Sites.Site site) => new()
        {
            Kind = ArchiveRequestKind.Create, AccountId = account.Id, ResidentId = fresh[person].Id, ToSiteId = site.Id, Status = ArchiveRequestStatus.Pending,
        };
        db.ArchiveRequests.AddRange(Request(5, pudong), Request(6, clinic), Request(7, xuhui));

        WaitlistEntry Waiting(int person, string? district) => new()
        {
            ProductId = scarce.Id, ResidentId = fresh[person].Id, AccountId = account.Id, PreferredDistrictCode = district,
            RegisteredAt = at, Status = WaitlistStatus.Waiting,
        };
        db.Set<WaitlistEntry>().AddRange(Waiting(8, PudongCode), Waiting(9, XuhuiCode), Waiting(10, null));

        WaitlistCampaign Campaign(string name, string? district) => new()
        {
            ProductId = scarce.Id, Name = name, Method = AllocationMethod.FirstComeFirstServed, Places = 1, OfferHours = 48, DrawnAt = at,
            ResultHash = new string('0', 64), DistrictCode = district,
        };
        db.Set<WaitlistCampaign>().AddRange(Campaign("范围扫描批次甲", PudongCode), Campaign("范围扫描批次乙", XuhuiCode), Campaign("范围扫描批次丙", null));
        await db.SaveChangesAsync();
        await InjectionBulkWriter.RebuildDailyStatsAsync(db);
        return 0;
    });

    // ---- the route table and route-roles.txt ----

    /// <summary>Every GET route pattern of the app but the framework's plumbing and static files (as the route sweep reads them).</summary>
    private static List<string> GetRoutes(EndpointDataSource source) => source.Endpoints.OfType<RouteEndpoint>()
        .Where(e => !e.Metadata.Any(m => m.GetType().FullName?.Contains("StaticAsset", StringComparison.Ordinal) == true))
        .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { Count: > 0 } methods || methods.Contains("GET"))
        .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
        .Where(p => !p.StartsWith("/_framework", StringComparison.Ordinal) && !p.StartsWith("/_blazor", StringComparison.Ordinal)
            && !p.StartsWith("/_content", StringComparison.Ordinal) && !p.EndsWith("/negotiate", StringComparison.Ordinal))
        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>route-roles.txt's GET rows: pattern to caller to class ("ok", "login", "deny").</summary>
    private static Dictionary<string, Dictionary<string, string>> ReadMatrix([CallerFilePath] string source = "")
    {
        var rows = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(source)!, "route-roles.txt"))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.True(rows.Count > 0 && rows[0] is ["METHOD", "ROUTE", ..], "route-roles.txt needs its METHOD ROUTE header line");
        var columns = rows[0][2..];
        return rows.Skip(1).Where(r => r[0] == "GET")
            .ToDictionary(r => r[1], r => columns.Zip(r[2..]).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal), StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    /// <summary>Masking.MaskIdNumber's forms: 18 characters keep 6 and 4, shorter ones 1 or 2 and up to 4.</summary>
    [GeneratedRegex(@"^(\d{6}\*{8}[0-9X]{4}|[0-9A-Za-z]{1,2}\*+[0-9A-Za-z]{0,4})$")]
    private static partial Regex MaskedIdNumber();

    [GeneratedRegex(@"^(\d{3}\*{4}\d{4}|\d{1,2}\*+\d{0,4})$")]
    private static partial Regex MaskedPhone();

    private sealed class NoAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken GetAntiforgeryToken() => new("scope-sweep", "__RequestVerificationToken");
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

public sealed class ScopeSweepOnSqliteTests(ITestOutputHelper output) : ScopeSweepTests(output)
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class ScopeSweepOnPostgreSqlTests(ITestOutputHelper output) : ScopeSweepTests(output)
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
