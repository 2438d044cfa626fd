using Microsoft.Playwright;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Debian's Chromium driven by Playwright. Playwright never downloads a browser here: it is always
/// given <see cref="ExecutablePath"/>.
/// </summary>
public static class Chromium
{
    public const string ExecutableVariable = "BLAZORVAX_CHROMIUM";
    public const string ArtifactsVariable = "BLAZORVAX_TEST_ARTIFACTS";

    /// <summary>
    /// --no-sandbox because tests run as root; the networking flags because this machine's network is
    /// closed and Chromium's background connections would otherwise fail by the dozen.
    /// </summary>
    public static IReadOnlyList<string> Args { get; } =
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    /// <summary>BLAZORVAX_CHROMIUM if set, else /usr/bin/chromium or /usr/bin/chromium-browser if present; null otherwise.</summary>
    public static string? ExecutablePath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured;
            }

            return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        }
    }

    /// <summary>
    /// BLAZORVAX_TEST_ARTIFACTS, else &lt;repo&gt;/TestResults/artifacts (outside the repository: under
    /// the run's temp folder); created on first use. For screenshots and traces worth keeping.
    /// </summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(ArtifactsVariable);
            var directory = !string.IsNullOrWhiteSpace(configured)
                ? configured
                : TestEnvironment.RepositoryRoot is { } root
                    ? Path.Combine(root, "TestResults", "artifacts")
                    : Path.Combine(TestEnvironment.RunDirectory, "artifacts");
            return Directory.CreateDirectory(directory).FullName;
        }
    }

    public static bool IsAvailable(out string reason)
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrWhiteSpace(configured) && !File.Exists(configured))
        {
            reason = $"{ExecutableVariable} is set to {configured}, which does not exist";
            return false;
        }

        if (ExecutablePath is null)
        {
            reason = $"Chromium not found at /usr/bin/chromium or /usr/bin/chromium-browser (Debian package chromium) "
                + $"and {ExecutableVariable} not set";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Signs in to the console through the login form (demo password) and, for an account with a second factor
    /// (cdc and the other demo admins in Development), the code step with a code computed from the demo authenticator
    /// secret; waits to leave the account pages.</summary>
    public static async Task SignInToConsoleAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#login-username", userName);
        await page.FillAsync("#login-password", "BlazorVax@2026");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.EndsWith("/account/login", StringComparison.Ordinal) && !url.Contains("/account/login?", StringComparison.Ordinal));
        if (page.Url.Contains("/account/login/code", StringComparison.Ordinal))
        {
            await page.FillAsync("#login-code", Totp.Code(Totp.DemoKey));
            await page.ClickAsync("button[type=submit]");
        }
        await page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal));
    }

    /// <summary>
    /// Starts Playwright and a headless Chromium. The caller owns both:
    /// <c>await browser.DisposeAsync(); playwright.Dispose();</c>.
    /// </summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = ExecutablePath
            ?? throw new InvalidOperationException(IsAvailable(out var reason) ? "Chromium not found" : reason);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = executable,
                Headless = true,
                Args = Args,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
