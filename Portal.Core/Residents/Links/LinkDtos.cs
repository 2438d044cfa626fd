using Portal.Core.Common;

namespace Portal.Core.Residents.Links;

/// <summary>What POST /api/v1/me/residents did: linked the person (a new record, or a proof the account itself carries),
/// found the account already linked, or filed a request that still needs the person's consent.</summary>
public enum AttachResult
{
    Linked,
    AlreadyLinked,
    Requested,
}

public sealed record AttachOutcome(AttachResult Result, MemberDto? Member, LinkRequestDto? Request)
{
    public static AttachOutcome Linked(MemberDto member) => new(AttachResult.Linked, member, null);
    public static AttachOutcome AlreadyLinked(MemberDto member) => new(AttachResult.AlreadyLinked, member, null);
    public static AttachOutcome Requested(LinkRequestDto request) => new(AttachResult.Requested, null, request);
}

/// <summary>A link request as its requester sees it. Everything in it is either the requester's own input (ID kind and
/// masked number, relationship) or the same for every request, so it never tells whether the name matched the record,
/// whether the record has a phone, or whether the person rejected it (a rejected request reads Pending until it expires).</summary>
/// <param name="ConfirmWith">How a Pending request can still be confirmed: always both ways, whatever the record holds.</param>
public sealed record LinkRequestDto(long Id, LinkRequestStatus Status, Relationship Relationship, IdDocumentKind IdKind, string IdNumberMasked,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<LinkProof> ConfirmWith, Bilingual Message);

/// <summary>A request to act for a person the reader manages (as the person, or a minor's guardian). Only requests whose
/// name matched the record are shown.</summary>
public sealed record IncomingLinkRequestDto(long Id, long ResidentId, string ResidentName, string RequesterPhoneMasked, Relationship Relationship,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>One account that acts for a person, as the person (or a minor's guardian) sees it.</summary>
/// <param name="IsThisAccount">The account reading the list.</param>
/// <param name="CanRemove">Whether the reader may remove this link (<see cref="LinkRules.MayRemove"/>).</param>
public sealed record LinkedAccountDto(long AccountId, string PhoneMasked, Relationship Relationship, bool IsGuardian, DateTimeOffset Since,
    LinkProof LinkedVia, bool IsThisAccount, bool CanRemove);
