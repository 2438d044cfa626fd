using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Data.Interceptors;

namespace Portal.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IDbContextFactory{PortalDbContext}"/> for the configured provider
    /// (and a scoped <see cref="PortalDbContext"/> for ASP.NET Core Identity and Data Protection).</summary>
    public static IServiceCollection AddPortalData(this IServiceCollection services, IConfiguration configuration, string dataFolder)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        // The product's one clock (tests replace it); every rule turns it into China time through ChinaTime.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuditableEntityInterceptor>();
        services.AddSingleton<InputLimitsInterceptor>();

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = configuration.GetConnectionString("Sqlite");
                if (string.IsNullOrWhiteSpace(sqlite))
                {
                    Directory.CreateDirectory(dataFolder);
                    sqlite = $"Data Source={Path.Combine(dataFolder, "blazorvax.db")}";
                }
                Register<SqliteDbContext>(services, (sp, b) => b.UsePortalSqlite(sqlite));
                break;
            case DatabaseProvider.PostgreSql:
                var pg = PostgresConnectionStrings.WithDefaults(Required(configuration, "PostgreSql"));
                Register<PostgresDbContext>(services, (sp, b) => b.UseNpgsql(pg));
                services.AddSingleton<Portal.Core.Booking.IBookingFastPath, PostgresBookingFastPath>();
                break;
            case DatabaseProvider.SqlServer:
                var ss = Required(configuration, "SqlServer");
                Register<SqlServerDbContext>(services, (sp, b) => b.UseSqlServer(ss, o => o.EnableRetryOnFailure()));
                break;
        }
        return services;
    }

    private static string Required(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"Database:Provider is {name} but ConnectionStrings:{name} is empty. Set it in appsettings or the environment (ConnectionStrings__{name}).");

    private static void Register<TContext>(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure)
        where TContext : PortalDbContext
    {
        services.AddPooledDbContextFactory<TContext>((sp, b) =>
        {
            configure(sp, b);
            b.AddInterceptors(sp.GetRequiredService<AuditableEntityInterceptor>(), sp.GetRequiredService<InputLimitsInterceptor>());
        });
        services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<TContext>>();
        // Portal.Core's services cannot see PortalDbContext (Core is below Data); they take the plain
        // EF factory and use db.Set<T>() — see docs/decisions/0003.
        services.AddSingleton<IDbContextFactory<DbContext>, PlainDbContextFactory<TContext>>();
        services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
    }

    private sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();
    }

    private sealed class PlainDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<DbContext>
        where TContext : PortalDbContext
    {
        public DbContext CreateDbContext() => inner.CreateDbContext();
    }
}
