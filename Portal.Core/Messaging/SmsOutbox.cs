using Portal.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace Portal.Core.Messaging;

/// <summary>Template names of the messages residents receive (texts in <see cref="SmsTemplates"/>).</summary>
public static class SmsTemplateNames
{
    public const string BookingConfirmed = "booking_confirmed";
    public const string BookingCancelled = "booking_cancelled";
    public const string AppointmentReminder = "appointment_reminder";
    public const string WaitlistOffer = "waitlist_offer";
    public const string DoseDueReminder = "dose_due_reminder";
}

/// <summary>Writes an SMS to the outbox table in the caller's context (and so in the caller's
/// transaction): the message exists if and only if the change it reports was committed. The
/// background dispatcher sends it. <paramref name="dedupKey"/> is unique: the same key twice is one message.</summary>
public static class SmsOutbox
{
    public static void Enqueue(DbContext db, string phoneCipher, string phoneMasked, string template,
        IReadOnlyDictionary<string, string> args, string dedupKey, DateTimeOffset now, string culture = "zh-CN") =>
        db.Set<SmsOutboxMessage>().Add(Create(phoneCipher, phoneMasked, template, args, dedupKey, now, culture));

    /// <summary>The pending message, not yet added to any context.</summary>
    public static SmsOutboxMessage Create(string phoneCipher, string phoneMasked, string template,
        IReadOnlyDictionary<string, string> args, string dedupKey, DateTimeOffset now, string culture = "zh-CN") => new()
    {
        DedupKey = dedupKey, PhoneCipher = phoneCipher, PhoneMasked = phoneMasked, Template = template, Culture = culture,
        Body = SmsTemplates.Render(template, culture, args), Status = SmsStatus.Pending, CreatedAt = now, NextAttemptAt = now,
    };
}

/// <summary>SMS texts in zh-CN and English. Placeholders are {name} keys of the args dictionary.</summary>
public static class SmsTemplates
{
    private static readonly Dictionary<string, (string Zh, string En)> Texts = new()
    {
        [SmsTemplateNames.BookingConfirmed] = ("【上海疫苗接种】{name}已预约{date} {time}在{site}接种{vaccine}第{dose}剂，请携带证件按时到场。",
            "[Shanghai Vaccination] {name} is booked for {vaccine} dose {dose} at {site} on {date} {time}. Please bring your ID."),
        [SmsTemplateNames.BookingCancelled] = ("【上海疫苗接种】{name}{date}在{site}的{vaccine}预约已取消。",
            "[Shanghai Vaccination] {name}'s {vaccine} appointment at {site} on {date} has been cancelled."),
        [SmsTemplateNames.AppointmentReminder] = ("【上海疫苗接种】提醒：{name}明天{time}在{site}接种{vaccine}第{dose}剂。",
            "[Shanghai Vaccination] Reminder: {name} has {vaccine} dose {dose} tomorrow at {time}, {site}."),
        [SmsTemplateNames.WaitlistOffer] = ("【上海疫苗接种】{name}已获得{vaccine}接种名额，请在{expires}前登录选择接种时段，逾期名额将顺延。",
            "[Shanghai Vaccination] {name} has been offered {vaccine}. Choose a slot before {expires} or the place passes to the next person."),
        [SmsTemplateNames.DoseDueReminder] = ("【上海疫苗接种】{name}的{vaccine}第{dose}剂将于{date}到期，请及时预约。",
            "[Shanghai Vaccination] {name}'s {vaccine} dose {dose} is due on {date}. Please book."),
    };

    public static string Render(string template, string culture, IReadOnlyDictionary<string, string> args)
    {
        if (!Texts.TryGetValue(template, out var text))
            throw new ArgumentException($"Unknown SMS template '{template}'", nameof(template));
        var body = Bilingual.IsChinese(culture) ? text.Zh : text.En;
        foreach (var (key, value) in args)
            body = body.Replace("{" + key + "}", value, StringComparison.Ordinal);
        return body;
    }
}
