using Microsoft.Playwright;
using Portal.Components;
using Portal.Tests.TestSupport;
using Xunit.Abstractions;

namespace Portal.Tests.Browser;

/// <summary>The page policy forbids inline scripts. A policy the pages themselves break fails quietly in the field
/// (a blocked import map, a dead button), so a real Chromium opens the console's pages, signed out and signed in as
/// the people who use them, and every report of a violation fails the test.</summary>
public sealed class ContentSecurityPolicyBrowserTests(ITestOutputHelper output)
{
    private const string CollectViolations = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
            window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
        """;

    [SkippableFact]
    public async Task The_consoles_pages_run_without_a_single_policy_violation_and_the_import_map_carries_the_headers_nonce()
    {
        Requirements.Chromium();
        await using var factory = PortalFactory.Sqlite();
        var baseUrl = factory.StartOnLoopback();
        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var violations = new List<string>();
            var pagesSeen = 0;
            foreach (var (user, routes) in new (string? User, string[] Routes)[]
            {
                (null, [PageRoutes.Login]),
                ("clinic", [PageRoutes.Home, PageRoutes.Injections, PageRoutes.Screen, PageRoutes.Sites, PageRoutes.Slots, PageRoutes.Waitlist,
                    PageRoutes.ArchiveRequests, PageRoutes.TwoFactor]),
                ("cdc", [PageRoutes.Vaccines, PageRoutes.Screen]),
                ("auditor", [PageRoutes.Audit]),
            })
            {
                await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
                await context.AddInitScriptAsync(CollectViolations);
                var page = await context.NewPageAsync();
                page.Console += (_, message) =>
                {
                    if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                        lock (violations) violations.Add($"{user ?? "anonymous"} {page.Url}: {message.Text}");
                };
                if (user is not null) await Chromium.SignInToConsoleAsync(page, user);
                foreach (var route in routes)
                {
                    var response = await page.GotoAsync(route, new() { WaitUntil = WaitUntilState.NetworkIdle });
                    Assert.NotNull(response);
                    var policy = await response.HeaderValueAsync("content-security-policy");
                    Assert.NotNull(policy);
                    var scriptSrc = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
                    Assert.DoesNotContain("'unsafe-inline'", scriptSrc);
                    var nonce = System.Text.RegularExpressions.Regex.Match(policy, "script-src 'self' 'nonce-([^']+)'").Groups[1].Value;
                    Assert.False(string.IsNullOrEmpty(nonce), $"no script nonce in: {policy}");
                    // Blazor started: the circuit's script ran (it is what a blocked import map breaks first).
                    await page.WaitForFunctionAsync("() => window.Blazor !== undefined", null, new() { Timeout = 15_000 });
                    foreach (var v in await page.EvaluateAsync<string[]>("() => window.__cspViolations"))
                        violations.Add($"{user ?? "anonymous"} {route}: {v}");
                    Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
                    // The nonce attribute is hidden from the DOM once parsed; its property keeps the value.
                    var mapNonce = await page.EvaluateAsync<string?>("() => document.querySelector('script[type=importmap]')?.nonce ?? null");
                    Assert.Equal(nonce, mapNonce);
                    pagesSeen++;
                }
            }
            output.WriteLine($"{pagesSeen} pages opened, {violations.Count} violations");
            Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
            // Two responses never share a nonce.
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            var first = (await http.GetAsync(PageRoutes.Login)).Headers.GetValues("Content-Security-Policy").Single();
            var second = (await http.GetAsync(PageRoutes.Login)).Headers.GetValues("Content-Security-Policy").Single();
            Assert.NotEqual(first, second);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
