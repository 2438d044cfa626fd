using Portal.Core.Common;
using Portal.Core.Identity;

namespace Portal.Localization;

/// <summary>Names that come with the data in both languages (catalogue names, role names), as opposed to the
/// console's own texts in the resources: the current UI culture picks one, by the domain's own rule
/// (<see cref="Bilingual.For"/>).</summary>
public static class DomainNames
{
    /// <summary>The English name in English, else the Chinese one (many catalogue entries have no English name).</summary>
    public static string Pick(string zh, string? en) =>
        new Bilingual(zh, string.IsNullOrWhiteSpace(en) ? zh : en).ForCurrentUiCulture();

    public static string Role(string role)
    {
        var (zh, en) = Roles.DisplayName(role);
        return Pick(zh, en);
    }
}
