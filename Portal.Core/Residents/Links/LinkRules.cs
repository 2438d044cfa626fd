namespace Portal.Core.Residents.Links;

/// <summary>Who may act for whom, in one place (docs/decisions/0007-who-may-act-for-whom.md). A <see cref="FamilyMember"/>
/// link is the only thing that lets an account act for a person; these rules say who may manage those links.</summary>
public static class LinkRules
{
    /// <summary>Age of majority (民法典 第十七条): until then a guardian acts for the person.</summary>
    public const int AdultAge = 18;

    public static bool IsMinor(DateOnly birthDate, DateOnly today) => birthDate > today.AddYears(-AdultAge);

    /// <summary>A link made now is a guardian's when the person is a minor and the account is their parent, or the
    /// child's vaccination archive names the account's phone as the guardian's.</summary>
    public static bool IsGuardianLink(Relationship relationship, LinkProof proof, bool minor) =>
        minor && (relationship == Relationship.Child || proof == LinkProof.ArchiveGuardian);

    /// <summary>Whether a link lets its account manage the person's links (see the linked accounts, approve or reject
    /// requests, remove links): the person's own link, or a guardian's while the person is a minor.</summary>
    public static bool Manages(FamilyMember link, bool minor) => Manages(link.Relationship, link.IsGuardian, minor);

    public static bool Manages(Relationship relationship, bool isGuardian, bool minor) =>
        relationship == Relationship.Self || (isGuardian && minor);

    /// <summary>Whether <paramref name="actor"/> may remove another account's <paramref name="target"/> link to the same person.
    /// Nobody removes the person's own (Self) link but the person; a minor does not remove their guardians; a guardian
    /// removes only links that are neither the person's own nor another guardian's. An account leaves by detaching itself.</summary>
    public static bool MayRemove(FamilyMember actor, FamilyMember target, bool minor)
    {
        if (actor.AccountId == target.AccountId || target.Relationship == Relationship.Self || !Manages(actor, minor))
            return false;
        if (actor.Relationship == Relationship.Self)
            return !(minor && target.IsGuardian);
        return !target.IsGuardian;
    }
}
