using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Core.Identity;

namespace Portal.Components.Pages.Identity.Accounts;

/// <summary>Marker for <c>IStringLocalizer&lt;AccountTexts&gt;</c>: the accounts page's texts in
/// <c>Resources/Components/Pages/Identity/Accounts/AccountTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class AccountTexts
{
    private AccountTexts()
    {
    }
}

/// <summary>Texts of the accounts page that are built from more than one resource.</summary>
public static class AccountTextFormats
{
    public static string ScopeText(this IStringLocalizer<AccountTexts> texts, StaffUser user,
        IReadOnlyDictionary<string, string> districts, IReadOnlyDictionary<long, string> sites) => user.ScopeKind switch
    {
        DataScopeKind.City => texts["Scope_City"],
        DataScopeKind.District => texts["Scope_District", Lookup(districts, user.ScopeDistrictCode)],
        DataScopeKind.Site => texts["Scope_Site", user.ScopeSiteId is { } s ? sites.GetValueOrDefault(s, s.ToString(CultureInfo.InvariantCulture)) : "—"],
        DataScopeKind.Employer => texts["Scope_Employer", user.ScopeEmployerId?.ToString(CultureInfo.InvariantCulture) ?? ""],
        _ => user.ScopeKind.ToString(),
    };

    private static string Lookup(IReadOnlyDictionary<string, string> names, string? code) =>
        code is null ? "—" : names.GetValueOrDefault(code, code);
}
