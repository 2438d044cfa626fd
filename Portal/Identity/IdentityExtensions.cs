using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Portal.Api;
using Portal.Components;
using Portal.Core.Identity;
using Portal.Data;

namespace Portal.Identity;

public static class IdentityExtensions
{
    /// <summary>Staff sign in to the console with an Identity cookie; the resident app and PDAs use
    /// bearer tokens. Lockout (5 tries, 15 minutes) and the password policy follow MLPS level 3.</summary>
    public static IServiceCollection AddPortalIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var tokenOptions = configuration.GetSection(TokenOptions.Section).Get<TokenOptions>() ?? new TokenOptions();
        services.AddSingleton(tokenOptions);
        services.AddSingleton<TokenService>();

        services.AddIdentityCore<StaffUser>(o =>
            {
                o.Password.RequiredLength = 8;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = true;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
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
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // APIs answer 401/403; only pages redirect to the login form.
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status403Forbidden);
        });

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
            Staff(Policies.ViewStatistics, Roles.CityAdmin, Roles.DistrictAdmin, Roles.SiteAdmin, Roles.EmployerAdmin);
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

    private static Task RedirectOrStatus(HttpContext http, string redirectUri, int status)
    {
        if (http.Request.IsMachineEndpoint())
            http.Response.StatusCode = status;
        else
            http.Response.Redirect(redirectUri);
        return Task.CompletedTask;
    }
}
