namespace Portal.Components.Pages.Auditing;

/// <summary>Marker for <c>IStringLocalizer&lt;AuditTexts&gt;</c>: the audit log page's texts in
/// <c>Resources/Components/Pages/Auditing/AuditTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class AuditTexts
{
    private AuditTexts()
    {
    }
}
