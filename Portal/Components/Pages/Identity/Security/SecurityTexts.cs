namespace Portal.Components.Pages.Identity.Security;

/// <summary>Marker for <c>IStringLocalizer&lt;SecurityTexts&gt;</c>: the security policy page's texts in
/// <c>Resources/Components/Pages/Identity/Security/SecurityTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class SecurityTexts
{
    private SecurityTexts()
    {
    }
}
