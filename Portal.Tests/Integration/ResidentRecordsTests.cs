using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Certificates;
using Portal.Core.Common.Privacy;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>接种记录 and 电子接种证 over real HTTP: records, signed certificate, anonymous verification,
/// the public key and the printable page.</summary>
public abstract class ResidentRecordsTests : PortalOnProvider
{
    [SkippableFact]
    public async Task Records_list_the_residents_doses_with_product_lot_and_site()
    {
        SkipUnlessAvailable();
        var (client, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(Factory);
        var today = DateOnly.FromDateTime(DateTime.Today);
        await ResidentTestKit.AddInjectionAsync(Factory, residentId, "COVID-BIBP", 2, today.AddDays(-10));
        var first = await ResidentTestKit.AddInjectionAsync(Factory, residentId, "COVID-BIBP", 1, today.AddDays(-40));

        var records = await client.GetFromJsonAsync<JsonElement>($"/api/v1/me/records?residentId={residentId}");
        Assert.Equal(2, records.GetArrayLength());
        var r0 = records[0];
        Assert.Equal(first.Id, r0.GetProperty("injectionId").GetInt64());
        Assert.Equal(1, r0.GetProperty("doseNumber").GetInt32());
        Assert.Equal("COVID-BIBP", r0.GetProperty("productCode").GetString());
        Assert.False(string.IsNullOrEmpty(r0.GetProperty("batchNumber").GetString()));
        Assert.False(string.IsNullOrEmpty(r0.GetProperty("maker").GetString()));
        Assert.False(string.IsNullOrEmpty(r0.GetProperty("siteName").GetString()));
        Assert.Equal(today.AddDays(-40).ToString("yyyy-MM-dd"), r0.GetProperty("date").GetString());
    }

    [SkippableFact]
    public async Task Other_peoples_residents_and_bad_input_get_4xx()
    {
        SkipUnlessAvailable();
        var (_, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(Factory);
        var (stranger, _, _, _, _) = await ResidentTestKit.NewResidentAsync(Factory, "李四");
        await ResidentTestKit.AssertProblemAsync(await stranger.GetAsync($"/api/v1/me/records?residentId={residentId}"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await stranger.GetAsync($"/api/v1/me/certificate?residentId={residentId}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.BadRequest, (await stranger.GetAsync("/api/v1/me/records?residentId=abc")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await stranger.GetAsync("/api/v1/me/certificate")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.CreateClient().GetAsync($"/api/v1/me/records?residentId={residentId}")).StatusCode);
        await ResidentTestKit.AssertProblemAsync(await Factory.CreateClient().GetAsync("/api/v1/certificates/verify"), HttpStatusCode.BadRequest);
    }

    [SkippableFact]
    public async Task Certificate_is_signed_verifiable_anonymously_and_tampering_is_detected()
    {
        SkipUnlessAvailable();
        var (client, _, residentId, idNumber, _) = await ResidentTestKit.NewResidentAsync(Factory, "王小芳");
        await ResidentTestKit.AddInjectionAsync(Factory, residentId, "COVID-BIBP", 1, DateOnly.FromDateTime(DateTime.Today).AddDays(-5));

        var certificate = await client.GetFromJsonAsync<JsonElement>($"/api/v1/me/certificate?residentId={residentId}");
        var payload = certificate.GetProperty("payload").GetString()!;
        Assert.StartsWith("BVC1.", payload);
        var content = certificate.GetProperty("content");
        Assert.Equal("王*芳", content.GetProperty("name").GetString());
        Assert.Equal(Masking.MaskIdNumber(idNumber), content.GetProperty("idNumber").GetString());
        Assert.DoesNotContain(idNumber, payload);
        Assert.Equal(1, content.GetProperty("doses").GetArrayLength());

        var anonymous = Factory.CreateClient();
        var ok = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/verify?payload={Uri.EscapeDataString(payload)}");
        Assert.True(ok.GetProperty("valid").GetBoolean());
        Assert.Equal("王*芳", ok.GetProperty("content").GetProperty("name").GetString());

        var chars = payload.ToCharArray();
        var i = payload.IndexOf('.') + 10;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        var tampered = await anonymous.GetAsync($"/api/v1/certificates/verify?payload={Uri.EscapeDataString(new string(chars))}");
        Assert.Equal(HttpStatusCode.OK, tampered.StatusCode);
        var bad = await tampered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(bad.GetProperty("valid").GetBoolean());
        Assert.False(string.IsNullOrEmpty(bad.GetProperty("reason").GetProperty("en").GetString()));
        var garbage = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/certificates/verify?payload=BVC1.%25%25.%25");
        Assert.False(garbage.GetProperty("valid").GetBoolean());

        // A third party with nothing but the published key.
        var pem = await anonymous.GetStringAsync("/api/v1/certificates/public-key");
        Assert.Contains("BEGIN PUBLIC KEY", pem);
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        Assert.True(CertificateSigner.Verify(key, payload).Valid);
        Assert.True(File.Exists(Path.Combine(Factory.DataFolder, "keys", "certificate-signing.pem")));
    }

    [SkippableFact]
    public async Task Printable_page_shows_the_certificate_and_a_qr_code_without_sign_in()
    {
        SkipUnlessAvailable();
        var (client, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(Factory, "赵敏");
        await ResidentTestKit.AddInjectionAsync(Factory, residentId, "COVID-BIBP", 1, DateOnly.FromDateTime(DateTime.Today).AddDays(-3));
        var payload = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/me/certificate?residentId={residentId}")).GetProperty("payload").GetString()!;

        var anonymous = Factory.CreateClient();
        var page = await anonymous.GetAsync($"/certificates/print?payload={Uri.EscapeDataString(payload)}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("预防接种电子证明", html);
        Assert.Contains("赵*", html);
        Assert.Contains("签名有效", html);
        Assert.Contains("data:image/png;base64,", html);

        var tampered = await (await anonymous.GetAsync($"/certificates/print?payload={Uri.EscapeDataString(payload[..^3] + "AAA")}")).Content.ReadAsStringAsync();
        Assert.Contains("无效证明", tampered);
    }
}

public sealed class ResidentRecordsOnSqliteTests : ResidentRecordsTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class ResidentRecordsOnPostgreSqlTests : ResidentRecordsTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
