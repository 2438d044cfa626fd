using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;
using Portal.Core.Identity;

namespace Portal.Components.Layout;

/// <summary>How a navigation entry opens.</summary>
public enum NavItemTarget
{
    /// <summary>A console page, routed inside the app.</summary>
    Console,

    /// <summary>A console page in a new browser tab (the wall screen).</summary>
    NewTab,

    /// <summary>Served outside Blazor (e.g. the API reference): full page load in a new tab.</summary>
    External,
}

/// <summary>One entry of the side menu and of the home page's quick links.</summary>
/// <param name="LabelKey">Key in SharedResources.resx.</param>
/// <param name="Policy">The entry shows only to users who satisfy this policy (Policies.*).</param>
public sealed record NavItem(string Href, string Icon, string LabelKey, string Policy, NavItemTarget Target = NavItemTarget.Console)
{
    public NavLinkMatch Match => Href == PageRoutes.Home ? NavLinkMatch.All : NavLinkMatch.Prefix;

    public string? HtmlTarget => Target == NavItemTarget.Console ? null : "_blank";
}

/// <summary>The console's menu, in display order: the one place that says which role sees which page.</summary>
public static class NavItems
{
    public static readonly IReadOnlyList<NavItem> All =
    [
        new(PageRoutes.Home, Icons.Material.Filled.Home, "Nav_Home", Policies.Console),
        new(PageRoutes.Injections, Icons.Material.Filled.Vaccines, "Nav_Injections", Policies.ViewInjections),
        new(PageRoutes.Screen, Icons.Material.Filled.Monitor, "Nav_Screen", Policies.ViewStatistics, NavItemTarget.NewTab),
        new(PageRoutes.Sites, Icons.Material.Filled.LocalHospital, "Nav_Sites", Policies.ManageSites),
        new(PageRoutes.ArchiveRequests, Icons.Material.Filled.FolderShared, "Nav_ArchiveRequests", Policies.ManageSites),
        new(PageRoutes.Slots, Icons.Material.Filled.EventAvailable, "Nav_Slots", Policies.ManageSites),
        new(PageRoutes.Vaccines, Icons.Material.Filled.Medication, "Nav_Vaccines", Policies.Console),
        new(PageRoutes.Waitlist, Icons.Material.Filled.HourglassTop, "Nav_Waitlist", Policies.ManageUnits),
        new(PageRoutes.Accounts, Icons.Material.Filled.ManageAccounts, "Nav_Accounts", Policies.ManageAccounts),
        new(PageRoutes.SecurityPolicy, Icons.Material.Filled.Security, "Nav_SecurityPolicy", Policies.ManageSecurity),
        new(PageRoutes.Audit, Icons.Material.Filled.FactCheck, "Nav_Audit", Policies.ViewAudit),
        new(PageRoutes.ApiDocs, Icons.Material.Filled.Api, "Nav_ApiDocs", Policies.Console, NavItemTarget.External),
    ];
}
