namespace Portal.Core.Identity;

public enum SignInChannel
{
    Console = 1,
    Pda = 2,
}

/// <summary>One staff sign-in attempt (console or PDA), kept for the throttle that limits guessing per source
/// and per account name without letting anyone lock an account for everyone else.</summary>
public class SignInAttempt
{
    public const int NameKeyLength = 64;
    public const int IpLength = 64;

    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public SignInChannel Channel { get; set; }
    /// <summary>The user name as typed, trimmed, lower-cased and cut to <see cref="NameKeyLength"/>: what throttles
    /// count by, whether or not such an account exists.</summary>
    public string NameKey { get; set; } = "";
    public string? Ip { get; set; }
    public bool Succeeded { get; set; }
}
