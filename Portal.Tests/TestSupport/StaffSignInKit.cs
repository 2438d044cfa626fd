using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Identity;

namespace Portal.Tests.TestSupport;

/// <summary>A browser's view of the console over real HTTP, without a browser: its own cookie jar and client address,
/// the login forms posted with their antiforgery token, redirects not followed (tests read Location).</summary>
internal sealed partial class ConsoleSession : IDisposable
{
    public const string AuthCookie = "BlazorVax.Auth";
    public const string Password = "BlazorVax@2026";

    private ConsoleSession(HttpClient client, CookieContainer cookies, Uri baseAddress)
    {
        Client = client;
        Cookies = cookies;
        BaseAddress = baseAddress;
    }

    public HttpClient Client { get; }
    public CookieContainer Cookies { get; }
    public Uri BaseAddress { get; }

    public static ConsoleSession Open(PortalFactory factory, string? ip = null, bool https = false)
    {
        var cookies = new CookieContainer();
        var address = ip is null ? null : IPAddress.Parse(ip);
        var handler = new CookieContainerHandler(cookies)
        {
            InnerHandler = factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = address),
        };
        var baseAddress = new Uri(https ? "https://localhost" : "http://localhost");
        return new(new HttpClient(handler) { BaseAddress = baseAddress }, cookies, baseAddress);
    }

    /// <summary>The console cookie's value, or null.</summary>
    public string? AuthCookieValue => Cookies.GetCookies(BaseAddress)[AuthCookie]?.Value;

    public Task<HttpResponseMessage> PasswordAsync(string userName, string password = Password) =>
        PostFormAsync("/account/login", "login", new() { ["Input.UserName"] = userName, ["Input.Password"] = password });

    public Task<HttpResponseMessage> CodeAsync(string code) =>
        PostFormAsync("/account/login/code", "login-code", new() { ["Input.Code"] = code });

    /// <summary>Password, then (when asked) the demo authenticator's current code; asserts the console cookie at the end.</summary>
    public async Task SignInAsync(string userName)
    {
        var response = await PasswordAsync(userName);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        if (RedirectPath(response)!.StartsWith("/account/login/code", StringComparison.Ordinal))
        {
            response = await CodeAsync(Totp.Code(Totp.DemoKey));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        Assert.DoesNotContain("/account/", RedirectPath(response)!, StringComparison.Ordinal);
        Assert.NotNull(AuthCookieValue);
    }

    /// <summary>The logout form's post (the token from the access-denied page, which has that form and is static).</summary>
    public async Task<HttpResponseMessage> LogoutAsync() =>
        await PostFormAsync("/account/logout", formName: null, [], tokenFrom: "/account/access-denied");

    /// <summary>The status of a console page: 200 when the cookie is good, 302 to the login page when not.</summary>
    public async Task<HttpResponseMessage> GetPageAsync(string path = "/injections") => await Client.GetAsync(path);

    public async Task<HttpResponseMessage> PostFormAsync(string path, string? formName, Dictionary<string, string> fields, string? tokenFrom = null)
    {
        var page = await Client.GetStringAsync(tokenFrom ?? path);
        var token = TokenPattern().Match(page);
        Assert.True(token.Success, $"no antiforgery token on {tokenFrom ?? path}");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        if (formName is not null) fields["_handler"] = formName;
        return await Client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>Where a redirect goes, as a local path and query ("/account/login/code?returnUrl=..."), or null.</summary>
    public static string? RedirectPath(HttpResponseMessage response) =>
        response.Headers.Location is not { } location ? null
        : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;

    /// <summary>The text of the page's error alert (data-login-error), or null.</summary>
    public static async Task<string?> ErrorAsync(HttpResponseMessage response)
    {
        var match = ErrorPattern().Match(await response.Content.ReadAsStringAsync());
        return match.Success ? WebUtility.HtmlDecode(Regex.Replace(match.Groups[1].Value, "<[^>]+>", "")).Trim() : null;
    }

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("data-login-error[^>]*>(.*?)</div>\\s*</div>", RegexOptions.Singleline)]
    private static partial Regex ErrorPattern();
}

internal static class StaffSignInKit
{
    /// <summary>A PDA sign-in from <paramref name="ip"/>.</summary>
    public static async Task<HttpResponseMessage> PdaLoginAsync(PortalFactory factory, string ip, string userName, string password,
        string? deviceSerial = null, string? code = null)
    {
        using var client = new HttpClient(factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = IPAddress.Parse(ip)))
        {
            BaseAddress = new Uri("http://localhost"),
        };
        return await client.PostAsJsonAsync("/api/v1/pda/login", new { userName, password, deviceSerial, code });
    }

    public static async Task<string?> ProblemCodeAsync(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()
            : null;

    /// <summary>A PDA client holding a token from a successful sign-in.</summary>
    public static async Task<HttpClient> PdaClientAsync(PortalFactory factory, string userName = "doctor")
    {
        var response = await PdaLoginAsync(factory, "192.0.2.200", userName, ConsoleSession.Password);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Runs <paramref name="work"/> with a UserManager in its own scope.</summary>
    public static async Task<T> WithUsersAsync<T>(PortalFactory factory, Func<UserManager<StaffUser>, Task<T>> work)
    {
        using var scope = factory.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>());
    }

    public static Task<StaffUser> UserAsync(PortalFactory factory, string userName) =>
        factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName));

    /// <summary>Moves every session of the account back in time (as if it had been idle, or old).</summary>
    public static Task AgeSessionsAsync(PortalFactory factory, string userName, TimeSpan idle, TimeSpan? age = null) =>
        factory.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.UserName == userName);
            var sessions = await db.StaffSessions.Where(s => s.UserId == user.Id).ToListAsync();
            foreach (var s in sessions)
            {
                s.LastSeenAt -= idle;
                s.CreatedAt -= age ?? idle;
            }
            return await db.SaveChangesAsync();
        });
}
