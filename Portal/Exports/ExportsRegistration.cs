namespace Portal.Exports;

public static class ExportsRegistration
{
    /// <summary>The Excel writer behind every export; what is exported comes from each feature's own query service.</summary>
    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        services.AddSingleton<ExcelExporter>();
        return services;
    }
}
