namespace Portal.Core.Messaging;

/// <summary>The "Sms" configuration section.</summary>
public sealed class SmsOptions
{
    public const string SectionName = "Sms";

    /// <summary>"File" (development: {DataFolder}/sms/outbox.jsonl) or "Http" (the carrier's gateway, see <see cref="HttpSmsGatewayOptions"/>).</summary>
    public string? Gateway { get; set; }

    /// <summary>Sending attempts of one outbox message before it is marked Failed.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Verification codes one client IP may request per hour (all phones together).</summary>
    public int PerIpPerHour { get; set; } = 30;

    /// <summary>China wall-clock time at which tomorrow's appointment reminders are queued.</summary>
    public TimeOnly ReminderTime { get; set; } = new(18, 0);

    public bool DispatcherEnabled { get; set; } = true;
    public bool RemindersEnabled { get; set; } = true;

    /// <summary>Messages the dispatcher claims per round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Messages sent at the same time by one dispatcher.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>Pause between rounds when the outbox is drained.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed message is reserved for the instance that claimed it. Must exceed the
    /// gateway timeout: an instance that dies mid-send releases its messages after this long.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Delay after the first failure; doubled after each further one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>The "Sms:Http" section: a carrier gateway that takes one JSON POST per message.</summary>
public sealed class HttpSmsGatewayOptions
{
    public const string SectionName = "Sms:Http";

    public string Url { get; set; } = "";
    public string ApiKeyHeader { get; set; } = "X-Api-Key";
    public string? ApiKey { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>JSON body with {phone} and {content} placeholders, which are replaced by JSON-escaped
    /// values (the quotes around them belong to the template).</summary>
    public string BodyTemplate { get; set; } = """{"phone":"{phone}","content":"{content}"}""";
}

/// <summary>The gateway could not take a message now (unreachable, timed out, non-2xx). Transient: the outbox retries.</summary>
public sealed class SmsGatewayException(string message, Exception? inner = null) : Exception(message, inner);
