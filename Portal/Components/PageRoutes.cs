namespace Portal.Components;

/// <summary>Every route of the management console, so that pages (<c>@attribute [Route(PageRoutes.X)]</c>),
/// links and redirects never spell a path twice.</summary>
public static class PageRoutes
{
    public const string Home = "/";
    public const string Login = "/account/login";
    public const string Logout = "/account/logout";
    public const string AccessDenied = "/account/access-denied";
    /// <summary>The second step of signing in: the authenticator (or a recovery) code.</summary>
    public const string LoginCode = "/account/login/code";
    /// <summary>Setting up an authenticator app (forced after the password for roles that need a second factor).</summary>
    public const string TwoFactor = "/account/two-factor";
    public const string SecurityPolicy = "/security/policy";
    public const string Injections = "/injections";
    public const string Screen = "/screen";
    public const string Sites = "/sites";
    public const string Slots = "/slots";
    public const string Vaccines = "/vaccines";
    public const string VaccineRules = "/vaccines/{Id:long}/rules";

    public static string RulesOf(long productId) => $"/vaccines/{productId}/rules";
    public const string Accounts = "/accounts";
    public const string Audit = "/audit";
    public const string Waitlist = "/waitlist";
    public const string ApiDocs = "/scalar/v1";
    public const string SetCulture = "/culture/set";
    public const string Error = "/Error";
    public const string NotFound = "/not-found";
    public const string ArchiveRequests = "/archives/requests";
    public const string Certificate = "/certificates/print";

    /// <summary>Query parameter the login page reads (the Identity cookie handler sends <c>ReturnUrl</c>;
    /// component query binding ignores case).</summary>
    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>True for a path on this site ("/x", "~/x"), false for anything a browser could take
    /// to another host ("//evil", "/\evil", "https://..."): guards every redirect we take from a query string.
    /// Same rules as ASP.NET Core's <c>IUrlHelper.IsLocalUrl</c>.</summary>
    public static bool IsLocalUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return false;
        }

        if (url[0] == '/')
        {
            if (url.Length == 1)
            {
                return true;
            }

            if (url[1] == '/' || url[1] == '\\')
            {
                return false;
            }

            return !HasControlCharacter(url.AsSpan(1));
        }

        if (url[0] == '~' && url.Length > 1 && url[1] == '/')
        {
            if (url.Length == 2)
            {
                return true;
            }

            if (url[2] == '/' || url[2] == '\\')
            {
                return false;
            }

            return !HasControlCharacter(url.AsSpan(2));
        }

        return false;
    }

    /// <summary><paramref name="page"/> carrying a (local) return URL on to the next sign-in step.</summary>
    public static string WithReturnUrl(string page, string? returnUrl) =>
        IsLocalUrl(returnUrl) ? $"{page}?{ReturnUrlParameter}={Uri.EscapeDataString(returnUrl!)}" : page;

    /// <summary>The URL itself when local, otherwise the home page.</summary>
    public static string LocalOrHome(string? url) => IsLocalUrl(url) ? url! : Home;

    private static bool HasControlCharacter(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
