using Microsoft.EntityFrameworkCore;
using Portal.Core.Common.Privacy;
using Portal.Data;
using Portal.Data.Seed;
using Portal.Identity;

namespace Portal.Infrastructure;

public static class DatabaseInitializer
{
    /// <summary>Migrates (unless switched off), seeds reference data and roles, and, when demo data is
    /// on, the demo dataset and accounts. Runs before the app takes requests.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var sp = scope.ServiceProvider;
        var options = sp.GetRequiredService<DatabaseOptions>();
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Database");
        await using var db = await sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

        var migrate = options.MigrateOnStart ?? options.Provider != DatabaseProvider.SqlServer;
        if (migrate)
        {
            await db.Database.MigrateAsync();
        }
        else if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            throw new InvalidOperationException(
                "The database has pending migrations and Database:MigrateOnStart is off. Apply the idempotent script (README: SQL Server) first.");
        }

        await ReferenceDataSeeder.SeedAsync(db);
        var staff = sp.GetRequiredService<StaffAccountSeeder>();
        await staff.SeedRolesAsync();

        var demo = app.Configuration.GetSection(DemoDataOptions.Section).Get<DemoDataOptions>() ?? new DemoDataOptions();
        if (demo.Enabled ?? app.Environment.IsDevelopment())
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var seeder = new DemoDataSeeder(sp.GetRequiredService<IPersonalDataProtector>(), sp.GetRequiredService<TimeProvider>());
            if (await seeder.SeedAsync(db, demo))
                logger.LogInformation("Demo data seeded in {Elapsed} ms", started.ElapsedMilliseconds);
            await staff.SeedDemoAccountsAsync(db);
        }
    }
}
