using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Portal.Core.Certificates;

public static class CertificatesRegistration
{
    public const string SigningKeySetting = "Certificates:SigningKeyPem";

    /// <summary>Signed vaccination certificates. The signing key comes from "Certificates:SigningKeyPem"; in Development
    /// a key is generated once into {dataFolder}/keys. Elsewhere a missing key fails the first certificate request with a
    /// message naming the setting.</summary>
    public static IServiceCollection AddCertificates(this IServiceCollection services, IConfiguration configuration, IHostEnvironment env, string dataFolder)
    {
        var persistPath = env.IsDevelopment() ? Path.Combine(dataFolder, "keys", "certificate-signing.pem") : null;
        services.AddSingleton(_ => new CertificateSigner(CertificateSigner.LoadKey(configuration[SigningKeySetting], persistPath)));
        services.AddScoped<CertificateService>();
        return services;
    }
}
