using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Messaging;

namespace Portal.Core.Residents.Auth;

/// <summary>Resident sign-in by SMS code: 6 digits, valid 5 minutes, stored only as a keyed hash,
/// at most 5 wrong tries, at most one code a minute and 10 a day per phone, and "Sms:PerIpPerHour" per client IP.
/// Codes go straight to the gateway (they are wanted within seconds), not through the outbox.</summary>
public sealed class SmsLoginService(
    IDbContextFactory<DbContext> contexts, IPersonalDataProtector protector, ISmsGateway sms, TimeProvider clock,
    IOptions<SmsOptions> options, ILogger<SmsLoginService> logger)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);
    public const int MaxAttempts = 5;
    public const int MaxPerDay = 10;

    public async Task RequestCodeAsync(string? phoneInput, string? clientIp, CancellationToken ct = default)
    {
        var phone = PhoneNumbers.NormalizeOrThrow(phoneInput, "phone");
        var phoneHash = protector.LookupHash(phone);
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var codes = db.Set<SmsVerificationCode>();

        var last = await codes.Where(c => c.PhoneHash == phoneHash).OrderByDescending(c => c.CreatedAt).Select(c => (DateTimeOffset?)c.CreatedAt).FirstOrDefaultAsync(ct);
        if (last is { } l && now - l < TimeSpan.FromMinutes(1))
            throw ResidentsErrors.SmsTooFrequent.Exception(retryAfter: TimeSpan.FromMinutes(1) - (now - l));
        var dayAgo = now.AddDays(-1);
        if (await codes.CountAsync(c => c.PhoneHash == phoneHash && c.CreatedAt > dayAgo, ct) >= MaxPerDay)
            throw ResidentsErrors.SmsDailyLimit.Exception(retryAfter: TimeSpan.FromHours(1));
        await EnforcePerIpLimitAsync(codes, clientIp, now, ct);

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
        var stored = new SmsVerificationCode
        {
            PhoneHash = phoneHash, CodeHash = HashCode(phoneHash, code), CreatedAt = now, ExpiresAt = now + CodeLifetime, ClientIp = clientIp,
        };
        codes.Add(stored);
        await db.SaveChangesAsync(ct);
        try
        {
            await sms.SendAsync(phone, $"【上海疫苗接种】您的验证码是{code}，5分钟内有效。请勿告诉他人。", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A code that never left must not count against the resident's limits nor block the next request.
            await codes.Where(c => c.Id == stored.Id).ExecuteDeleteAsync(CancellationToken.None);
            logger.LogWarning(e, "SMS gateway refused the verification code for {Phone}", Masking.MaskPhone(phone));
            throw ResidentsErrors.SmsUnavailable.Exception();
        }
    }

    private async Task EnforcePerIpLimitAsync(DbSet<SmsVerificationCode> codes, string? clientIp, DateTimeOffset now, CancellationToken ct)
    {
        // Without an address (e.g. in-process callers) there is nothing to count by; 0 turns the limit off.
        if (string.IsNullOrEmpty(clientIp))
            return;
        var limit = options.Value.PerIpPerHour;
        if (limit <= 0)
            return;
        var hourAgo = now.AddHours(-1);
        var recent = codes.Where(c => c.ClientIp == clientIp && c.CreatedAt > hourAgo);
        if (await recent.CountAsync(ct) < limit)
            return;
        // Sliding window: a slot frees up an hour after the oldest code still inside it.
        var oldest = await recent.OrderBy(c => c.CreatedAt).Select(c => c.CreatedAt).FirstAsync(ct);
        var retryAfter = oldest.AddHours(1) - now;
        throw ResidentsErrors.SmsIpLimit.Exception(retryAfter: retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1));
    }

    /// <summary>Checks the code and returns the account id (creating the account on first sign-in).</summary>
    public async Task<long> VerifyAsync(string? phoneInput, string? code, CancellationToken ct = default)
    {
        var phone = PhoneNumbers.NormalizeOrThrow(phoneInput, "phone");
        if (string.IsNullOrWhiteSpace(code) || code.Length != 6 || !code.All(char.IsAsciiDigit))
            throw new DomainValidationException("code", new("请输入6位数字验证码", "Enter the 6-digit code"));
        var phoneHash = protector.LookupHash(phone);
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var codes = db.Set<SmsVerificationCode>();
        var current = await codes.Where(c => c.PhoneHash == phoneHash && c.ConsumedAt == null)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct);
        if (current is null || current.ExpiresAt <= now)
            throw new DomainValidationException("code", new("验证码已过期，请重新获取", "The code has expired; request a new one"));
        if (current.FailedAttempts >= MaxAttempts)
            throw new DomainValidationException("code", new("错误次数过多，请重新获取验证码", "Too many wrong tries; request a new code"));

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashCode(phoneHash, code)), Encoding.ASCII.GetBytes(current.CodeHash)))
        {
            await codes.Where(c => c.Id == current.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.FailedAttempts, c => c.FailedAttempts + 1), ct);
            throw new DomainValidationException("code", new("验证码错误", "The code is wrong"));
        }
        // Consume exactly once, even if the same code is submitted twice at the same moment.
        var consumed = await codes.Where(c => c.Id == current.Id && c.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, now), ct);
        if (consumed == 0)
            throw new DomainValidationException("code", new("验证码已使用，请重新获取", "The code has already been used; request a new one"));

        var accounts = db.Set<ResidentAccount>();
        var account = await accounts.FirstOrDefaultAsync(a => a.PhoneHash == phoneHash, ct);
        if (account is null)
        {
            account = new ResidentAccount { PhoneHash = phoneHash, PhoneCipher = protector.Protect(phone), PhoneMasked = Masking.MaskPhone(phone) };
            accounts.Add(account);
        }
        account.LastLoginAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first sign-ins raced; the other one created the account.
            db.ChangeTracker.Clear();
            account = await accounts.FirstAsync(a => a.PhoneHash == phoneHash, ct);
        }
        return account.Id;
    }

    private string HashCode(string phoneHash, string code) => protector.LookupHash($"sms:{phoneHash}:{code}");
}
