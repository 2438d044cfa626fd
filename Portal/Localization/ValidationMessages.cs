using System.Globalization;
using System.Resources;

namespace Portal.Localization;

/// <summary>Localized DataAnnotations messages: <c>[Required(ErrorMessageResourceType = typeof(ValidationMessages),
/// ErrorMessageResourceName = nameof(ValidationMessages.UserNameRequired))]</c>. DataAnnotations reads a public static
/// string property, so these read the same resources as <c>IStringLocalizer&lt;SharedResources&gt;</c> in the current UI culture.</summary>
public static class ValidationMessages
{
    private static readonly ResourceManager Resources =
        new($"{typeof(SharedResources).Assembly.GetName().Name}.{PortalCultures.ResourcesPath}.{nameof(SharedResources)}",
            typeof(SharedResources).Assembly);

    public static string UserNameRequired => Get(nameof(UserNameRequired));

    public static string PasswordRequired => Get(nameof(PasswordRequired));

    public static string CodeRequired => Get(nameof(CodeRequired));

    private static string Get(string name) =>
        Resources.GetString("Validation_" + name, CultureInfo.CurrentUICulture) ?? name;
}
