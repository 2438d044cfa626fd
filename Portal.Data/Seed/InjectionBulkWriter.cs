using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using Portal.Core.Injections;

namespace Portal.Data.Seed;

/// <summary>Writes injections in bulk for demo and benchmark data: one prepared INSERT reused in a
/// single transaction on SQLite, binary COPY on PostgreSQL, batched EF inserts on SQL Server.
/// Never one SaveChanges per row.</summary>
public static class InjectionBulkWriter
{
    private static readonly string[] Columns =
    [
        "ResidentId", "ProductId", "ProgrammeId", "LotId", "DoseNumber", "SiteId", "DoctorUserId", "DeviceId",
        "InjectedAt", "InjectedOn", "AppointmentId", "ConsentId", "QuestionnaireResponseId", "BodySite",
        "DistrictCode", "StreetCode", "EmployerId", "EligibilityOverrideReason", "CreatedAt",
    ];

    public static async Task<int> WriteAsync(PortalDbContext db, IEnumerable<Injection> rows, CancellationToken ct = default)
    {
        switch (db)
        {
            case SqliteDbContext: return await WriteSqliteAsync(db, rows, ct);
            case PostgresDbContext: return await WritePostgresAsync(db, rows, ct);
            default: return await WriteWithEfAsync(db, rows, ct);
        }
    }

    private static async Task<int> WriteSqliteAsync(PortalDbContext db, IEnumerable<Injection> rows, CancellationToken ct)
    {
        var toBinary = new DateTimeOffsetToBinaryConverter();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        // Plain ADO.NET passes no EF interceptor, so this transaction joins the write queue itself (ADR 0013).
        await SqliteWriteQueue.EnterAsync(connection, SqliteWriteQueue.LeaseKind.Transaction, SqliteWriteQueue.Timeout(30), ct);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT INTO \"Injections\" ({string.Join(",", Columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(",", Columns.Select((_, i) => $"$p{i}"))})";
            var parameters = Columns.Select((_, i) => { var p = cmd.CreateParameter(); p.ParameterName = $"$p{i}"; cmd.Parameters.Add(p); return p; }).ToArray();
            await cmd.PrepareAsync(ct);
            var n = 0;
            foreach (var r in rows)
            {
                var values = Values(r);
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i] switch
                    {
                        null => DBNull.Value,
                        DateTimeOffset d => toBinary.ConvertToProvider(d),
                        DateOnly d => d.ToString("yyyy-MM-dd"),
                        var v => v,
                    };
                }
                await cmd.ExecuteNonQueryAsync(ct);
                n++;
            }
            await tx.CommitAsync(ct);
            return n;
        }
        finally
        {
            SqliteWriteQueue.Leave(connection, SqliteWriteQueue.LeaseKind.Transaction);
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<int> WritePostgresAsync(PortalDbContext db, IEnumerable<Injection> rows, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var copy = $"COPY \"Injections\" ({string.Join(",", Columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)";
            await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
            var n = 0;
            foreach (var r in rows)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(r.ResidentId, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(r.ProductId, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(r.ProgrammeId, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(r.LotId, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(r.DoseNumber, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(r.SiteId, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(r.DoctorUserId, NpgsqlDbType.Varchar, ct);
                await WriteNullable(importer, r.DeviceId, ct);
                await importer.WriteAsync(r.InjectedAt, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(r.InjectedOn, NpgsqlDbType.Date, ct);
                await WriteNullable(importer, r.AppointmentId, ct);
                await WriteNullable(importer, r.ConsentId, ct);
                await WriteNullable(importer, r.QuestionnaireResponseId, ct);
                await importer.WriteAsync(r.BodySite, NpgsqlDbType.Varchar, ct);
                await importer.WriteAsync(r.DistrictCode, NpgsqlDbType.Varchar, ct);
                await importer.WriteAsync(r.StreetCode, NpgsqlDbType.Varchar, ct);
                await WriteNullable(importer, r.EmployerId, ct);
                if (r.EligibilityOverrideReason is null) await importer.WriteNullAsync(ct);
                else await importer.WriteAsync(r.EligibilityOverrideReason, NpgsqlDbType.Varchar, ct);
                await importer.WriteAsync(r.CreatedAt, NpgsqlDbType.TimestampTz, ct);
                n++;
            }
            await importer.CompleteAsync(ct);
            return n;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter importer, long? value, CancellationToken ct)
    {
        if (value is null) await importer.WriteNullAsync(ct);
        else await importer.WriteAsync(value.Value, NpgsqlDbType.Bigint, ct);
    }

    private static async Task<int> WriteWithEfAsync(PortalDbContext db, IEnumerable<Injection> rows, CancellationToken ct)
    {
        var n = 0;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var chunk in rows.Chunk(5000))
        {
            db.Injections.AddRange(chunk);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            n += chunk.Length;
        }
        return n;
    }

    private static object?[] Values(Injection r) =>
    [
        r.ResidentId, r.ProductId, r.ProgrammeId, r.LotId, r.DoseNumber, r.SiteId, r.DoctorUserId, r.DeviceId,
        r.InjectedAt, r.InjectedOn, r.AppointmentId, r.ConsentId, r.QuestionnaireResponseId, r.BodySite,
        r.DistrictCode, r.StreetCode, r.EmployerId, r.EligibilityOverrideReason, r.CreatedAt,
    ];

    /// <summary>Rebuilds the daily counters from the injections table (after a bulk load).</summary>
    public static Task<int> RebuildDailyStatsAsync(PortalDbContext db, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync("""
            DELETE FROM "DailyInjectionStats";
            INSERT INTO "DailyInjectionStats" ("Date", "DistrictCode", "StreetCode", "SiteId", "EmployerId", "ProgrammeId", "ProductId", "DoseNumber", "Count")
            SELECT "InjectedOn", "DistrictCode", "StreetCode", "SiteId", COALESCE("EmployerId", 0), "ProgrammeId", "ProductId", "DoseNumber", COUNT(*)
            FROM "Injections"
            GROUP BY "InjectedOn", "DistrictCode", "StreetCode", "SiteId", COALESCE("EmployerId", 0), "ProgrammeId", "ProductId", "DoseNumber";
            """, ct);
}
