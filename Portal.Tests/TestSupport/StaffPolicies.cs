using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Identity;
using Portal.Identity;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The product's own role-to-policy map, read from the policies <see cref="IdentityExtensions.AddPortalIdentity"/>
/// registers and evaluated by the real <see cref="IAuthorizationService"/> for a staff member holding one role.
/// Component tests sign in with it (bUnit's fake authorization does not evaluate policies), so a change to the map
/// reaches every test that depends on it instead of being restated there.
/// </summary>
public static class StaffPolicies
{
    /// <summary>Every policy name in <see cref="Policies"/>.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. typeof(Policies).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];

    private static readonly Lazy<IReadOnlyDictionary<string, string[]>> ByRole = new(() => Task.Run(EvaluateAsync).GetAwaiter().GetResult());

    /// <summary>The policies a staff member with <paramref name="role"/> satisfies, in <see cref="All"/>'s order.</summary>
    public static string[] Of(string role) => ByRole.Value.TryGetValue(role, out var policies)
        ? policies
        : throw new ArgumentOutOfRangeException(nameof(role), role, "not one of Roles.All");

    private static async Task<IReadOnlyDictionary<string, string[]>> EvaluateAsync()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPortalIdentity(new ConfigurationBuilder().Build());
        await using var provider = services.BuildServiceProvider();
        var authorization = provider.GetRequiredService<IAuthorizationService>();

        var map = new Dictionary<string, string[]>();
        foreach (var role in Roles.All)
        {
            var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "test"), new Claim(ClaimTypes.Role, role)], "test"));
            var satisfied = new List<string>();
            foreach (var policy in All)
                if ((await authorization.AuthorizeAsync(user, policy)).Succeeded) satisfied.Add(policy);
            map[role] = [.. satisfied];
        }
        return map;
    }
}
