using Portal.Core.Common;

namespace Portal.Core.Residents.Links;

/// <summary>Body of POST /api/v1/me/link-requests/{id}/confirm: the one-time code sent to the phone on the person's record.</summary>
public sealed record ConfirmLinkRequest([property: TextInput(16, TextKind.Token)] string? Code);
