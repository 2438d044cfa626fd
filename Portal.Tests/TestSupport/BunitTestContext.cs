using System.Globalization;
using System.Security.Claims;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components;
using Portal.Components.Layout;
using Portal.Core.Identity;
using Portal.Localization;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Shared base for component tests: a bUnit context with MudBlazor services, loose JS interop, the app's
/// real localization (Resources/SharedResources*.resx), a fake authorization state, a fake clock and an
/// antiforgery token for forms. The UI culture starts as zh-CN, the app's default. Disposed asynchronously
/// through <see cref="IAsyncLifetime"/> because MudBlazor registers a service that is only IAsyncDisposable.
/// </summary>
public abstract class BunitTestContext : BunitContext, IAsyncLifetime
{
    /// <summary>2025-03-08 09:30 in Shanghai, a Saturday.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2025, 3, 8, 9, 30, 0, TimeSpan.FromHours(8));

    private readonly CultureInfo originalCulture = CultureInfo.CurrentCulture;
    private readonly CultureInfo originalUiCulture = CultureInfo.CurrentUICulture;
    private RendererInfo pendingRendererInfo = new("Server", isInteractive: true);
    private bool rendererInfoApplied;

    protected BunitTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddPortalLocalization();
        Services.AddSingleton<AntiforgeryStateProvider>(new FakeAntiforgeryStateProvider());

        Clock = new FakeTimeProvider(DefaultNow);
        Clock.SetLocalTimeZone(ChinaTimeZone);
        Services.AddSingleton<TimeProvider>(Clock);

        Authorization = AddAuthorization();
        UseCulture(PortalCultures.Default);
    }

    /// <summary>The fake authentication/authorization state: unauthenticated until <see cref="SignIn"/> or
    /// its own <c>SetAuthorized</c>/<c>SetRoles</c>/<c>SetPolicies</c>/<c>SetClaims</c> are called.</summary>
    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>The <see cref="TimeProvider"/> components get; starts at <see cref="DefaultNow"/>, local zone Asia/Shanghai.</summary>
    protected FakeTimeProvider Clock { get; }

    protected static TimeZoneInfo ChinaTimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Signs in a staff member. The fake does not evaluate policies: pass the ones the role
    /// satisfies in the scenario (AuthorizeView Policy="..." then shows only for those); <see cref="StaffPolicies.Of"/>
    /// gives the ones the product's real map grants the role.</summary>
    protected BunitAuthorizationContext SignIn(string displayName, string role, params string[] policies) =>
        SignIn(displayName, role, policies, []);

    /// <inheritdoc cref="SignIn(string, string, string[])"/>
    protected BunitAuthorizationContext SignIn(string displayName, string role, string[] policies, params Claim[] claims)
    {
        Authorization.SetAuthorized(displayName);
        Authorization.SetRoles(role);
        Authorization.SetPolicies(policies);
        Authorization.SetClaims([new Claim(StaffClaimTypes.DisplayName, displayName), .. claims]);
        return Authorization;
    }

    /// <summary>Sets the current culture and UI culture ("zh-CN", "en") for the rest of the test.</summary>
    protected static void UseCulture(string name)
    {
        var culture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    /// <summary>What components see as <c>RendererInfo</c> (MudBlazor reads it). Interactive Server unless changed,
    /// e.g. <c>UseRendererInfo(new RendererInfo("Static", isInteractive: false))</c> for a static SSR page.</summary>
    protected void UseRendererInfo(RendererInfo rendererInfo)
    {
        if (rendererInfoApplied)
        {
            SetRendererInfo(rendererInfo);
        }
        else
        {
            pendingRendererInfo = rendererInfo;
        }
    }

    // RendererInfo lives on the renderer, and creating the renderer freezes the service collection: apply it at
    // the first render so that derived classes and tests can still register services before that.
    public override IRenderedComponent<TComponent> Render<TComponent>(RenderFragment renderFragment)
    {
        ApplyRendererInfo();
        return base.Render<TComponent>(renderFragment);
    }

    public override IRenderedComponent<ContainerFragment> Render(RenderFragment renderFragment)
    {
        ApplyRendererInfo();
        return base.Render(renderFragment);
    }

    private void ApplyRendererInfo()
    {
        if (!rendererInfoApplied)
        {
            rendererInfoApplied = true;
            SetRendererInfo(pendingRendererInfo);
        }
    }

    /// <summary>Render before a component whose popovers (menus, selects, tooltips) the test opens.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderPopoverProvider() => Render<MudPopoverProvider>();

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        CultureInfo.CurrentCulture = originalCulture;
        CultureInfo.CurrentUICulture = originalUiCulture;
    }

    private sealed class FakeAntiforgeryStateProvider : AntiforgeryStateProvider
    {
        public const string Token = "test-antiforgery-token";

        public override AntiforgeryRequestToken GetAntiforgeryToken() => new(Token, "__RequestVerificationToken");
    }
}
