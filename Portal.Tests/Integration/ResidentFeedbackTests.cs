using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>满意度评价与意见反馈 and 预约接种问卷 over real HTTP.</summary>
public abstract class ResidentFeedbackTests : PortalOnProvider
{
    private static async Task<JsonElement> PostAsync(HttpClient client, string url, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync(url, body);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [SkippableFact]
    public async Task Rating_only_for_the_accounts_own_dose_and_once()
    {
        SkipUnlessAvailable();
        var (client, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(Factory);
        var (stranger, _, _, _, _) = await ResidentTestKit.NewResidentAsync(Factory, "李四");
        var dose = await ResidentTestKit.AddInjectionAsync(Factory, residentId, "COVID-BIBP", 1, DateOnly.FromDateTime(DateTime.Today));

        var rated = await PostAsync(client, "/api/v1/me/feedback", new { kind = "Rating", injectionId = dose.Id, rating = 5, comment = "医生很耐心" });
        Assert.Equal(dose.SiteId, rated.GetProperty("siteId").GetInt64());
        await PostAsync(client, "/api/v1/me/feedback", new { kind = "Rating", injectionId = dose.Id, rating = 4 }, HttpStatusCode.Conflict);
        await PostAsync(stranger, "/api/v1/me/feedback", new { kind = "Rating", injectionId = dose.Id, rating = 1 }, HttpStatusCode.NotFound);
        await PostAsync(client, "/api/v1/me/feedback", new { kind = "Rating", injectionId = dose.Id, rating = 6 }, HttpStatusCode.BadRequest);
        await PostAsync(client, "/api/v1/me/feedback", new { kind = "Rating", rating = 3 }, HttpStatusCode.BadRequest);
        await PostAsync(client, "/api/v1/me/feedback", new { kind = "Suggestion", comment = new string('长', 501) }, HttpStatusCode.BadRequest);
        await PostAsync(client, "/api/v1/me/feedback", new { kind = "Suggestion", rating = 5, comment = "x" }, HttpStatusCode.BadRequest);
        await PostAsync(client, "/api/v1/me/feedback", new { kind = "Complaint", siteId = 987654, comment = "排队太久" }, HttpStatusCode.NotFound);
        await PostAsync(client, "/api/v1/me/feedback", new { kind = "Nope", comment = "x" }, HttpStatusCode.BadRequest);
        await PostAsync(client, "/api/v1/me/feedback", new { kind = "Suggestion", comment = "希望周末多开放" });

        var mine = await client.GetFromJsonAsync<JsonElement>("/api/v1/me/feedback");
        Assert.Equal(2, mine.GetArrayLength());
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>("/api/v1/me/feedback")).EnumerateArray());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.CreateClient().GetAsync("/api/v1/me/feedback")).StatusCode);
    }

    [SkippableFact]
    public async Task Questionnaire_is_seeded_per_adult_programme_and_flags_contraindications()
    {
        SkipUnlessAvailable();
        var anonymous = Factory.CreateClient();
        var list = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/questionnaires?programme=PPSV23");
        var questionnaire = Assert.Single(list.EnumerateArray());
        Assert.Equal("PreBooking", questionnaire.GetProperty("kind").GetString());
        var id = questionnaire.GetProperty("id").GetInt64();
        Assert.Single((await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/questionnaires?programme=PPSV23")).EnumerateArray()); // seeded once
        await ResidentTestKit.AssertProblemAsync(await anonymous.GetAsync("/api/v1/questionnaires?programme=NOPE"), HttpStatusCode.NotFound);

        var (client, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(Factory);
        var url = $"/api/v1/me/questionnaires/{id}/responses";
        var healthy = new Dictionary<string, object> { ["fever"] = false, ["allergy"] = false, ["acute"] = false, ["pregnant"] = "否", ["recentVaccine"] = true };
        var ok = await PostAsync(client, url, new { residentId, answers = healthy });
        Assert.False(ok.GetProperty("flagsContraindication").GetBoolean());

        var pregnant = new Dictionary<string, object>(healthy) { ["pregnant"] = "是", ["fever"] = true, ["notes"] = "无" };
        var flagged = await PostAsync(client, url, new { residentId, answers = pregnant });
        Assert.True(flagged.GetProperty("flagsContraindication").GetBoolean());
        Assert.Equal(new[] { "fever", "pregnant" }, flagged.GetProperty("flaggedQuestions").EnumerateArray().Select(x => x.GetString()!).Order().ToArray());
        var stored = await Factory.WithDbAsync(db => db.QuestionnaireResponses.SingleAsync(r => r.Id == flagged.GetProperty("id").GetInt64()));
        Assert.True(stored.FlagsContraindication);
        Assert.Contains("\"pregnant\":\"是\"", System.Text.RegularExpressions.Regex.Unescape(stored.AnswersJson));

        var missing = await PostAsync(client, url, new { residentId, answers = new Dictionary<string, object> { ["fever"] = "maybe", ["bogus"] = 1 } }, HttpStatusCode.BadRequest);
        var fields = missing.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("answers.fever", fields);
        Assert.Contains("answers.allergy", fields);
        Assert.Contains("answers.bogus", fields);
        var (stranger, _, _, _, _) = await ResidentTestKit.NewResidentAsync(Factory, "李四");
        await PostAsync(stranger, url, new { residentId, answers = healthy }, HttpStatusCode.NotFound);
        await PostAsync(client, "/api/v1/me/questionnaires/987654/responses", new { residentId, answers = healthy }, HttpStatusCode.NotFound);
    }
}

public sealed class ResidentFeedbackOnSqliteTests : ResidentFeedbackTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class ResidentFeedbackOnPostgreSqlTests : ResidentFeedbackTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
