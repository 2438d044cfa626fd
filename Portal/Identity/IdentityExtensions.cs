using Portal.Core.Residents;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Api;
using Portal.Components;
using Portal.Core.Auditing;
using Portal.Core.Identity;
using Portal.Data;

namespace Portal.Identity;

public static class IdentityExtensions
{
    /// <summary>Staff sign in to the console with an Identity cookie tied to a server-side session, and a second factor
    /// for the roles that need one; the resident app and PDAs use bearer tokens. Failed sign-ins are throttled per
    /// source by <see cref="SignInGuard"/>, not by Identity's account lockout. The password policy follows MLPS level 3.</summary>
    public static IServiceCollection AddPortalIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var tokenOptions = configuration.GetSection(TokenOptions.Section).Get<TokenOptions>() ?? new TokenOptions();
        services.AddSingleton(tokenOptions);
        services.AddSingleton<TokenService>();
        // The resident's signed QR payload (scanned by the PDA) uses a key derived from the token key, so it lives with it.
        services.AddSingleton(sp => new QrPayloadService(
            System.Security.Cryptography.HMACSHA256.HashData(sp.GetRequiredService<TokenOptions>().Key().Key, "blazorvax-qr-v1"u8.ToArray()),
            sp.GetRequiredService<TimeProvider>()));
        var securitySection = configuration.GetSection(SecurityOptions.Section);
        services.Configure<SecurityOptions>(securitySection);
        var security = securitySection.Get<SecurityOptions>() ?? new SecurityOptions();
        services.TryAddSingleton(TimeProvider.System);
        // The first start's demo and administrator accounts (DatabaseInitializer).
        services.AddScoped<StaffAccountSeeder>();
        services.AddScoped<SignInGuard>();
        services.AddScoped<ConsoleSignIn>();
        services.AddScoped<StaffAccessService>();
        services.AddSingleton<SecurityPolicyService>();
        services.AddSingleton<StaffSessionService>();
        // Open circuits re-check their session; their activity keeps it from going idle.
        services.AddScoped<AuthenticationStateProvider, StaffRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CircuitHandler, StaffCircuitActivity>();

        services.AddIdentityCore<StaffUser>(o =>
            {
                o.Password.RequiredLength = 8;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = true;
                // Lockout stays enabled for an administrator's lock (LockoutEnd); failures never set it (lockoutOnFailure is
                // never passed), since anyone could lock anyone out that way. SignInGuard throttles the source instead.
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>();

        var auth = services.AddAuthentication(o =>
        {
            o.DefaultScheme = IdentityConstants.ApplicationScheme;
            o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        auth.AddIdentityCookies();
        auth.AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenService(tokenOptions, TimeProvider.System).ValidationParameters();
            // SignalR clients (PDA, other screens) send the token in the query string on WebSockets.
            o.Events = new JwtBearerEvents
            {
                OnTokenValidated = PdaTokenValidation.OnTokenValidatedAsync,
                OnMessageReceived = ctx =>
                {
                    var token = ctx.Request.Query["access_token"];
                    if (!string.IsNullOrEmpty(token) && ctx.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        ctx.Token = token;
                    return Task.CompletedTask;
                },
            };
        });
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "BlazorVax.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = PageRoutes.Login;
            o.AccessDeniedPath = PageRoutes.AccessDenied;
            // The cookie lives at most as long as its session may; idle time is the session's business (server side).
            o.ExpireTimeSpan = TimeSpan.FromHours(Math.Max(1, security.AbsoluteSessionHours));
            o.SlidingExpiration = false;
            o.Events.OnValidatePrincipal = StaffCookieValidation.ValidatePrincipalAsync;
            // APIs answer 401/403; only pages redirect to the login form.
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status403Forbidden);
        });

        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o =>
        {
            // Long enough to install an authenticator app during enrolment.
            o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
        });
        SecureCookiesOutsideDevelopment(services);

        services.AddAuthorization(o =>
        {
            var cookie = IdentityConstants.ApplicationScheme;
            void Staff(string name, params string[] roles) => o.AddPolicy(name, p =>
            {
                p.AddAuthenticationSchemes(cookie).RequireAuthenticatedUser();
                if (roles.Length > 0) p.RequireRole(roles);
            });
            Staff(Policies.Console, [.. Roles.All]);
            Staff(Policies.ManageUnits, Roles.CityAdmin, Roles.DistrictAdmin);
            Staff(Policies.ManageCatalogue, Roles.CityAdmin);
            Staff(Policies.ManageSites, Roles.CityAdmin, Roles.DistrictAdmin, Roles.SiteAdmin);
            Staff(Policies.ViewInjections, Roles.CityAdmin, Roles.DistrictAdmin, Roles.SiteAdmin, Roles.Doctor, Roles.EmployerAdmin);
            Staff(Policies.RecordInjections, Roles.Doctor, Roles.SiteAdmin);
            Staff(Policies.ViewStatistics, [.. Portal.Core.Dashboard.DashboardScope.ViewerRoles]); // the screens and the hub share this list
            Staff(Policies.ManageAccounts, Roles.SystemAdmin);
            Staff(Policies.ManageSecurity, Roles.SecurityAdmin);
            Staff(Policies.ViewAudit, Roles.AuditAdmin);
            o.AddPolicy(Policies.Resident, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireClaim(TokenClaims.Kind, TokenClaims.ResidentKind));
            o.AddPolicy(Policies.Pda, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireClaim(TokenClaims.Kind, TokenClaims.PdaKind).RequireRole(Roles.Doctor, Roles.SiteAdmin));
        });
        return services;
    }

    /// <summary>Outside Development every cookie of ours is sent over HTTPS only (MLPS: protect the session in transit).
    /// Development keeps SameAsRequest so that http://localhost works.</summary>
    private static void SecureCookiesOutsideDevelopment(IServiceCollection services)
    {
        string[] schemes = [IdentityConstants.ApplicationScheme, IdentityConstants.ExternalScheme,
            IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme];
        foreach (var scheme in schemes)
            services.AddOptions<CookieAuthenticationOptions>(scheme).Configure<IHostEnvironment>((o, env) =>
            {
                if (!env.IsDevelopment()) o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            });
        services.AddOptions<AntiforgeryOptions>().Configure<IHostEnvironment>((o, env) =>
        {
            if (!env.IsDevelopment()) o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
    }

    private static Task RedirectOrStatus(HttpContext http, string redirectUri, int status)
    {
        if (http.Request.IsMachineEndpoint())
            http.Response.StatusCode = status;
        else
            http.Response.Redirect(redirectUri);
        return Task.CompletedTask;
    }
}
