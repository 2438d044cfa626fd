using Microsoft.EntityFrameworkCore;
using Portal.Core.Identity;

namespace Portal.Core.Auditing;

/// <summary>Appends to the audit log (who did what to which record, from where).</summary>
public sealed class AuditService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public async Task WriteAsync(StaffScope who, string action, string entityType, string? entityId, string detail, string? ip, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(Entry(who, action, entityType, entityId, detail, ip, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>An entry to add to a context that saves it together with the work it records.
    /// Values are cut to the column lengths so that an over-long detail never loses the entry.</summary>
    public static AuditEntry Entry(StaffScope who, string action, string entityType, string? entityId, string detail, string? ip, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(who);
        return Build(who.UserId, who.UserName, action, entityType, entityId, detail, ip, at);
    }

    /// <summary>An entry whose user is a resident-app account: UserId <c>resident:{accountId}</c> (never a staff id),
    /// UserName the account's masked phone.</summary>
    public static AuditEntry ResidentEntry(long accountId, string accountPhoneMasked, string action, string entityType, string? entityId, string detail,
        string? ip, DateTimeOffset at) =>
        Build(ResidentUserId(accountId), accountPhoneMasked, action, entityType, entityId, detail, ip, at);

    /// <summary>How a resident account appears as <see cref="AuditEntry.UserId"/>.</summary>
    public static string ResidentUserId(long accountId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"resident:{accountId}");

    private static AuditEntry Build(string? userId, string? userName, string action, string entityType, string? entityId, string detail, string? ip,
        DateTimeOffset at) =>
        new()
        {
            At = at,
            UserId = Cut(userId, 64),
            UserName = Cut(userName, 128) ?? "",
            Action = Cut(action, 64) ?? "",
            EntityType = Cut(entityType, 64) ?? "",
            EntityId = Cut(entityId, 64),
            Detail = Cut(detail, 1024) ?? "",
            IpAddress = Cut(ip, 64),
        };

    private static string? Cut(string? value, int length) =>
        value is null || value.Length <= length ? value : value[..length];
}
