using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Portal.Core.Identity;

/// <summary>Adds the display name and data scope (<see cref="StaffClaimTypes"/>) to the sign-in cookie, so
/// that pages and endpoints build a <see cref="StaffScope"/> without a database read. Register with
/// <c>AddIdentity&lt;StaffUser, IdentityRole&gt;(...).AddClaimsPrincipalFactory&lt;StaffClaimsPrincipalFactory&gt;()</c>.
/// A changed scope takes effect at the next sign-in or security-stamp refresh.</summary>
public sealed class StaffClaimsPrincipalFactory(
    UserManager<StaffUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(StaffScope.ClaimsFor(user));
        return identity;
    }
}
