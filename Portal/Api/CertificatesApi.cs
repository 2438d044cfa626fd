using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Certificates;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Residents;

namespace Portal.Api;

public static class CertificatesApi
{
    public static IEndpointRouteBuilder MapCertificatesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me/certificate", Issue).RequireAuthorization(Policies.Resident)
            .WithTags("Resident: records and certificate").WithName("GetMyCertificate")
            .WithSummary("电子接种证（ECDSA P-256 签名）/ Signed electronic vaccination certificate")
            .ProducesValidationProblem()
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound);

        var open = app.MapGroup("/api/v1/certificates").WithTags("Certificates: verification").AllowAnonymous();
        open.MapGet("/public-key", PublicKey).WithName("GetCertificatePublicKey")
            .WithSummary("验证电子接种证的公钥（PEM）/ Public key (PEM) that verifies certificates")
            .ProducesErrors();
        open.MapGet("/verify", Verify).WithName("VerifyCertificate")
            .WithSummary("验证电子接种证 / Verify a certificate payload").ProducesValidationProblem()
            .ProducesErrors();
        return app;
    }

    private static async Task<Ok<CertificateDto>> Issue(long residentId, ClaimsPrincipal user, CertificateService certificates, CancellationToken ct) =>
        TypedResults.Ok(await certificates.IssueAsync(user.AccountId(), residentId, ct));

    private static ContentHttpResult PublicKey(CertificateSigner signer) =>
        TypedResults.Text(signer.PublicKeyPem(), "application/x-pem-file");

    private static Ok<CertificateVerification> Verify([TextInput(64 * 1024, TextKind.Token)] string? payload, CertificateSigner signer)
    {
        if (string.IsNullOrWhiteSpace(payload))
            throw new DomainValidationException("payload", new Bilingual("请提供电子接种证内容", "Give the certificate payload"));
        if (payload.Length > 64 * 1024)
            throw new DomainValidationException("payload", new Bilingual("内容过长", "The payload is too long"));
        return TypedResults.Ok(signer.Verify(payload));
    }
}
