using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Core.Archives;
using Portal.Core.Sites;
using Portal.Core.Consents;
using Portal.Core.Content;
using Portal.Core.Feedback;
using Portal.Core.Injections;
using Portal.Core.Vaccines;

namespace Portal.Core.Certificates;

public static class ResidentServicesRegistration
{
    public const string SigningKeySetting = "Certificates:SigningKeyPem";

    /// <summary>The resident-side services beyond booking: records, certificates, clinics, content,
    /// traceability, archives, feedback and questionnaires. The certificate signing key comes from
    /// "Certificates:SigningKeyPem"; in Development a key is generated once into {dataFolder}/keys.
    /// Elsewhere a missing key fails the first certificate request with a message naming the setting.</summary>
    public static IServiceCollection AddResidentServices(this IServiceCollection services, IConfiguration configuration, IHostEnvironment env, string dataFolder)
    {
        var persistPath = env.IsDevelopment() ? Path.Combine(dataFolder, "keys", "certificate-signing.pem") : null;
        services.AddSingleton(_ => new CertificateSigner(CertificateSigner.LoadKey(configuration[SigningKeySetting], persistPath)));
        services.AddScoped<CertificateService>();
        services.AddScoped<RecordsService>();
        services.AddScoped<SiteDirectory>();
        services.AddScoped<SiteAdminService>();
        services.AddScoped<ContentService>();
        services.AddScoped<TraceabilityService>();
        services.AddScoped<ArchiveService>();
        services.AddScoped<FeedbackService>();
        services.AddScoped<QuestionnaireService>();
        return services;
    }
}
