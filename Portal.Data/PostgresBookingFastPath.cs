using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Portal.Core.Booking;
using Portal.Core.Messaging;
using Portal.Core.Slots;

namespace Portal.Data;

/// <summary>
/// PostgreSQL books in one statement: the conditional UPDATE of the slot, the appointment INSERT and the
/// confirmation SMS INSERT are data-modifying CTEs of a single auto-committed statement. Why: the slot row is
/// locked from its UPDATE to the COMMIT, and a flash crowd queues on that one row. With a client-side
/// transaction the lock also spans the round trips back to the app and the app's own scheduling delay under
/// load (measured on 2 cores: 120 bookings/s, p99 0.8 s); in one statement it is held only while the server
/// executes and commits it. The guarantees are the same as the transaction's: all three rows or none, the
/// conditional UPDATE as the only capacity guard (<see cref="SlotBookability.HasPlace"/>, written here in SQL), the
/// unique active key against double booking. Names come from the EF model, so the SQL follows the mapping.
/// Registered by the PostgreSQL set-up in <see cref="DataServiceCollectionExtensions.AddPortalData"/> (ADR 0006).
/// </summary>
public sealed class PostgresBookingFastPath : IBookingFastPath
{
    private const string UniqueViolation = "23505";

    private string? _sql;

    public async Task<FastBookingOutcome> BookAsync(DbContext db, Appointment a, SmsOutboxMessage sms, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = _sql ??= BuildSql(db.Model);
        Add(cmd, "slot", a.SlotId);
        Add(cmd, "site", a.SiteId);
        Add(cmd, "product", a.ProductId);
        Add(cmd, "resident", a.ResidentId);
        Add(cmd, "account", a.AccountId);
        Add(cmd, "dose", a.DoseNumber);
        Add(cmd, "date", a.Date);
        Add(cmd, "status", (int)a.Status);
        Add(cmd, "active", a.ActiveKey);
        Add(cmd, "cipher", sms.PhoneCipher);
        Add(cmd, "masked", sms.PhoneMasked);
        Add(cmd, "template", sms.Template);
        Add(cmd, "culture", sms.Culture);
        Add(cmd, "body", sms.Body);
        Add(cmd, "pending", (int)sms.Status);
        Add(cmd, "now", sms.CreatedAt);
        Add(cmd, "key", BookingConfirmation.BookedKeyPrefix);
        try
        {
            var id = await cmd.ExecuteScalarAsync(ct);
            if (id is null or DBNull) return FastBookingOutcome.NoPlace;
            a.Id = Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
            return FastBookingOutcome.Booked;
        }
        catch (DbException e) when (e.SqlState == UniqueViolation)
        {
            return FastBookingOutcome.AlreadyBooked;
        }
    }

    private static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    private static string BuildSql(IModel model)
    {
        var (slots, s) = Table<Slot>(model);
        var (appointments, ap) = Table<Appointment>(model);
        var (outbox, o) = Table<SmsOutboxMessage>(model);
        return $"""
            WITH taken AS (
                UPDATE {slots} SET {s(nameof(Slot.Booked))} = {s(nameof(Slot.Booked))} + 1
                WHERE {s(nameof(Slot.Id))} = @slot AND {s(nameof(Slot.Booked))} < {s(nameof(Slot.Capacity))} AND NOT {s(nameof(Slot.IsClosed))}
                RETURNING {s(nameof(Slot.Id))}),
            appointment AS (
                INSERT INTO {appointments} ({ap(nameof(Appointment.SlotId))}, {ap(nameof(Appointment.SiteId))}, {ap(nameof(Appointment.ProductId))},
                    {ap(nameof(Appointment.ResidentId))}, {ap(nameof(Appointment.AccountId))}, {ap(nameof(Appointment.DoseNumber))},
                    {ap(nameof(Appointment.Date))}, {ap(nameof(Appointment.Status))}, {ap(nameof(Appointment.ActiveKey))}, {ap(nameof(Appointment.CreatedAt))})
                SELECT @slot, @site, @product, @resident, @account, @dose, @date, @status, @active, @now FROM taken
                RETURNING {ap(nameof(Appointment.Id))}),
            message AS (
                INSERT INTO {outbox} ({o(nameof(SmsOutboxMessage.DedupKey))}, {o(nameof(SmsOutboxMessage.PhoneCipher))}, {o(nameof(SmsOutboxMessage.PhoneMasked))},
                    {o(nameof(SmsOutboxMessage.Template))}, {o(nameof(SmsOutboxMessage.Culture))}, {o(nameof(SmsOutboxMessage.Body))},
                    {o(nameof(SmsOutboxMessage.Status))}, {o(nameof(SmsOutboxMessage.Attempts))}, {o(nameof(SmsOutboxMessage.CreatedAt))},
                    {o(nameof(SmsOutboxMessage.NextAttemptAt))})
                SELECT @key || {ap(nameof(Appointment.Id))}, @cipher, @masked, @template, @culture, @body, @pending, 0, @now, @now FROM appointment
                RETURNING 1)
            SELECT {ap(nameof(Appointment.Id))} FROM appointment
            """;
    }

    private static (string Table, Func<string, string> Column) Table<T>(IModel model)
    {
        var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table.");
        var schema = entity.GetSchema();
        var store = StoreObjectIdentifier.Table(table, schema);
        string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return (schema is null ? Quote(table) : Quote(schema) + "." + Quote(table),
            property => Quote(entity.FindProperty(property)?.GetColumnName(store) ?? throw new InvalidOperationException($"{typeof(T).Name}.{property} is not mapped.")));
    }
}
