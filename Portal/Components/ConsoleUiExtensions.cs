using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using Portal.Core.Identity;
using Portal.Identity;
using Portal.Localization;

namespace Portal.Components;

/// <summary>Registers and maps the management console: Blazor Server with MudBlazor, zh-CN/English
/// localization, the culture switch and sign-out endpoints. Authentication and policies are registered elsewhere.</summary>
public static class ConsoleUiExtensions
{
    private const string LocalizationAddedKey = "Portal.ConsoleUi.LocalizationAdded";

    public static IServiceCollection AddConsoleUi(this IServiceCollection services)
    {
        services.AddRazorComponents()
            .AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        // Write Chinese as UTF-8 text, not as &#x...; entities (the default encoder allows only Basic Latin):
        // pages are a third the size and readable in "view source". <, >, &, quotes are still encoded.
        // Only the HTML encoder: URLs keep percent-encoding non-ASCII characters.
        services.AddWebEncoders();
        services.Replace(ServiceDescriptor.Singleton(HtmlEncoder.Create(UnicodeRanges.All)));
        services.TryAddSingleton(TimeProvider.System);
        services.AddPortalLocalization();
        return services;
    }

    /// <summary>String localizers over Resources/SharedResources*.resx and the request culture rules.
    /// Separate from <see cref="AddConsoleUi"/> so component tests register exactly what the app uses.</summary>
    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        services.AddLocalization(options => options.ResourcesPath = PortalCultures.ResourcesPath);
        // MudBlazor's own strings ("Rows per page", "Loading…") in Chinese too.
        services.Replace(ServiceDescriptor.Transient<MudBlazor.MudLocalizer, ChineseMudLocalizer>());
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture(PortalCultures.Default)
                .AddSupportedCultures([.. PortalCultures.Supported])
                .AddSupportedUICultures([.. PortalCultures.Supported]);
            options.ApplyCurrentCultureToResponseHeaders = true;
            // Only the cookie the culture switch writes: no query string, and no Accept-Language, so that
            // everyone who has not chosen gets zh-CN whatever language the browser is set to.
            options.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>Sets the request culture from the culture cookie. Call it early (right after the exception
    /// handler, before authentication) so that every later middleware and page sees the user's culture.</summary>
    public static WebApplication UsePortalLocalization(this WebApplication app)
    {
        app.UseRequestLocalization();
        ((IApplicationBuilder)app).Properties[LocalizationAddedKey] = true;
        return app;
    }

    /// <summary>Antiforgery, static assets, the Razor components and the console's endpoints. Call it after
    /// UseAuthentication/UseAuthorization. Adds <see cref="UsePortalLocalization"/> if it was not called before.</summary>
    public static WebApplication MapConsoleUi(this WebApplication app)
    {
        if (!((IApplicationBuilder)app).Properties.ContainsKey(LocalizationAddedKey))
        {
            app.UsePortalLocalization();
        }

        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode();
        app.MapCultureEndpoint();
        app.MapLogoutEndpoint();
        return app;
    }

    /// <summary>GET /culture/set?culture=en&amp;redirectUri=/x: remembers the choice in the standard culture
    /// cookie for a year and goes back to the (local) page.</summary>
    public static IEndpointConventionBuilder MapCultureEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(PageRoutes.SetCulture, SetCulture)
            .AllowAnonymous()
            .ExcludeFromDescription();

    /// <summary>POST /account/logout from the app bar's form: ends the session, signs out and goes to the login page.</summary>
    public static IEndpointConventionBuilder MapLogoutEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(PageRoutes.Logout, LogoutAsync)
            .ExcludeFromDescription();

    /// <remarks>A signed-in staff member's choice is also saved on the account (<see cref="StaffUser.PreferredCulture"/>),
    /// so it follows them to a browser they have not used before (see <see cref="ApplyPreferredCultureAsync"/>).
    /// The user manager is optional so that the endpoint works on hosts without Identity.</remarks>
    public static async Task<Results<RedirectHttpResult, BadRequest<string>>> SetCulture(
        HttpContext context, string? culture, string? redirectUri, [FromServices] UserManager<StaffUser>? users = null)
    {
        var supported = PortalCultures.Normalize(culture);
        if (supported is null)
        {
            return TypedResults.BadRequest($"Unsupported culture. Use one of: {string.Join(", ", PortalCultures.Supported)}.");
        }

        var target = string.IsNullOrEmpty(redirectUri) ? PageRoutes.Home : redirectUri;
        if (!PageRoutes.IsLocalUrl(target))
        {
            return TypedResults.BadRequest("redirectUri must be a local path.");
        }

        WriteCultureCookie(context, supported);
        if (users is not null && context.User.Identity?.IsAuthenticated == true
            && await users.GetUserAsync(context.User) is { } staff && staff.PreferredCulture != supported)
        {
            staff.PreferredCulture = supported;
            await users.UpdateAsync(staff);
        }
        return TypedResults.LocalRedirect(target);
    }

    /// <summary>At sign-in: a browser without a culture cookie gets the account's saved language; a browser
    /// whose user chose one (on the login page, say) keeps it, and that choice becomes the saved one.</summary>
    public static async Task ApplyPreferredCultureAsync(HttpContext context, StaffUser staff, UserManager<StaffUser> users)
    {
        var chosen = context.Request.Cookies.TryGetValue(CookieRequestCultureProvider.DefaultCookieName, out var cookie)
            ? PortalCultures.Normalize(CookieRequestCultureProvider.ParseCookieValue(cookie)?.UICultures.FirstOrDefault().Value)
            : null;
        if (chosen is null)
        {
            if (PortalCultures.Normalize(staff.PreferredCulture) is { } saved)
                WriteCultureCookie(context, saved);
        }
        else if (staff.PreferredCulture != chosen)
        {
            staff.PreferredCulture = chosen;
            await users.UpdateAsync(staff);
        }
    }

    private static void WriteCultureCookie(HttpContext context, string culture) =>
        context.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions
            {
                Expires = DateTimeOffset.UtcNow.AddYears(1),
                IsEssential = true,
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                Path = "/",
            });

    private static async Task<Results<RedirectHttpResult, BadRequest>> LogoutAsync(
        HttpContext context,
        [FromServices] IAntiforgery antiforgery,
        [FromServices] ConsoleSignIn signIn)
    {
        // The endpoint binds no form fields, so minimal APIs would not check the token by themselves.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        // Ends the server-side session too: a copy of the cookie kept elsewhere is worthless from now on.
        await signIn.SignOutAsync(context);
        return TypedResults.LocalRedirect(PageRoutes.Login);
    }
}
