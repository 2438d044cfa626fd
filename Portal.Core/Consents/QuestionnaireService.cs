using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Core.Consents;

/// <param name="Type">"yesno" (answer true/false), "choice" (one of <paramref name="Options"/>) or "text" (optional, ≤ 200 characters).</param>
/// <param name="ContraindicatedIf">For yesno: the answer that flags a contraindication; for choice: the options that do; null: never.</param>
public sealed record QuestionDto(string Id, string Text, string TextEn, string Type, IReadOnlyList<string>? Options, JsonElement? ContraindicatedIf);

public sealed record QuestionnaireDto(long Id, QuestionnaireKind Kind, string? ProgrammeCode, int Version, string Title, IReadOnlyList<QuestionDto> Questions);

/// <param name="Answers">Question id → answer; text answers are at most 200 characters.</param>
public sealed record SubmitQuestionnaireRequest(long? ResidentId,
    [property: TextInput(200, TextKind.MultiLine), MaxItems(100)] Dictionary<string, JsonElement>? Answers);

public sealed record QuestionnaireResponseDto(long Id, long QuestionnaireId, long ResidentId, DateTimeOffset SubmittedAt, bool FlagsContraindication,
    IReadOnlyList<string> FlaggedQuestions);

/// <summary>预约接种问卷: a health questionnaire before booking; answers that match a question's
/// "contraindicatedIf" flag the response for a doctor's review.</summary>
public sealed class QuestionnaireService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    private static readonly SemaphoreSlim SeedLock = new(1, 1);
    private const int MaxTextAnswer = 200;

    public async Task<IReadOnlyList<QuestionnaireDto>> ListAsync(string? programme, CancellationToken ct = default)
    {
        programme = string.IsNullOrWhiteSpace(programme) ? null : programme.Trim();
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (programme is not null && !await db.Set<VaccineProgramme>().AnyAsync(p => p.Code == programme, ct))
            throw ConsentsErrors.ProgrammeNotFound.Exception();
        await EnsureSeededAsync(db, ct);
        var rows = await db.Set<Questionnaire>().AsNoTracking()
            .Where(q => q.IsActive && q.Kind == QuestionnaireKind.PreBooking && (programme == null || q.ProgrammeCode == programme))
            .OrderBy(q => q.ProgrammeCode).ThenByDescending(q => q.Version).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    public async Task<QuestionnaireResponseDto> SubmitAsync(long accountId, long questionnaireId, SubmitQuestionnaireRequest request, CancellationToken ct = default)
    {
        var residentId = request.ResidentId ?? throw new DomainValidationException("residentId", new("请选择受种者", "Choose the resident"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        await ResidentService.EnsureMemberAsync(db, accountId, residentId, ct);
        var questionnaire = await db.Set<Questionnaire>().AsNoTracking().FirstOrDefaultAsync(q => q.Id == questionnaireId && q.IsActive, ct)
            ?? throw ConsentsErrors.QuestionnaireNotFound.Exception();
        var questions = ToDto(questionnaire).Questions;
        var answers = request.Answers ?? [];
        var errors = new List<FieldError>();
        foreach (var unknown in answers.Keys.Where(k => questions.All(q => q.Id != k)))
            errors.Add(new($"answers.{unknown}", new("问卷中没有这个问题", "No such question in this questionnaire")));
        var stored = new JsonObject();
        var flagged = new List<string>();
        foreach (var q in questions)
        {
            var field = $"answers.{q.Id}";
            if (!answers.TryGetValue(q.Id, out var answer) || answer.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                if (q.Type != "text") errors.Add(new(field, new($"请回答：{q.Text}", $"Answer: {q.TextEn}")));
                continue;
            }
            switch (q.Type)
            {
                case "yesno" when answer.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    var yes = answer.GetBoolean();
                    stored[q.Id] = yes;
                    if (q.ContraindicatedIf is { ValueKind: JsonValueKind.True or JsonValueKind.False } c && c.GetBoolean() == yes) flagged.Add(q.Id);
                    break;
                case "choice" when answer.ValueKind == JsonValueKind.String && q.Options!.Contains(answer.GetString()!):
                    var choice = answer.GetString()!;
                    stored[q.Id] = choice;
                    if (q.ContraindicatedIf is { ValueKind: JsonValueKind.Array } list && list.EnumerateArray().Any(o => o.ValueKind == JsonValueKind.String && o.GetString() == choice))
                        flagged.Add(q.Id);
                    break;
                case "text" when answer.ValueKind == JsonValueKind.String && answer.GetString()!.Length <= MaxTextAnswer:
                    stored[q.Id] = answer.GetString()!.Trim();
                    break;
                default:
                    errors.Add(new(field, q.Type switch
                    {
                        "yesno" => new Bilingual("请回答是（true）或否（false）", "Answer true or false"),
                        "choice" => new Bilingual("请从选项中选择：" + string.Join("、", q.Options!), "Choose one of: " + string.Join(", ", q.Options!)),
                        _ => new Bilingual($"请填写文字（不超过{MaxTextAnswer}字）", $"Write text (at most {MaxTextAnswer} characters)"),
                    }));
                    break;
            }
        }
        if (errors.Count > 0) throw new DomainValidationException(errors);

        var response = new QuestionnaireResponse
        {
            QuestionnaireId = questionnaire.Id, ResidentId = residentId, AnswersJson = stored.ToJsonString(), SubmittedAt = clock.GetUtcNow(),
            FlagsContraindication = flagged.Count > 0,
        };
        db.Add(response);
        await db.SaveChangesAsync(ct);
        return new QuestionnaireResponseDto(response.Id, questionnaire.Id, residentId, response.SubmittedAt, response.FlagsContraindication, flagged);
    }

    /// <summary>Gives every non-children programme a PreBooking questionnaire the first time one is asked for (CDC staff may edit it later).</summary>
    private static async Task EnsureSeededAsync(DbContext db, CancellationToken ct)
    {
        await SeedLock.WaitAsync(ct);
        try
        {
            var have = await db.Set<Questionnaire>().Where(q => q.Kind == QuestionnaireKind.PreBooking && q.ProgrammeCode != null)
                .Select(q => q.ProgrammeCode!).Distinct().ToListAsync(ct);
            var missing = await db.Set<VaccineProgramme>().Where(p => p.Category != ProgrammeCategory.ChildrenNip && !have.Contains(p.Code))
                .Select(p => new { p.Code, p.Name }).ToListAsync(ct);
            if (missing.Count == 0) return;
            foreach (var p in missing)
                db.Add(new Questionnaire
                {
                    Kind = QuestionnaireKind.PreBooking, ProgrammeCode = p.Code, Version = 1, Title = $"{p.Name} 预约接种健康问卷",
                    QuestionsJson = DefaultQuestions, IsActive = true,
                });
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            SeedLock.Release();
        }
    }

    private static QuestionnaireDto ToDto(Questionnaire q)
    {
        var questions = JsonSerializer.Deserialize<List<QuestionDto>>(q.QuestionsJson, Json) ?? [];
        return new QuestionnaireDto(q.Id, q.Kind, q.ProgrammeCode, q.Version, q.Title, questions);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal const string DefaultQuestions = """
        [
          {"id":"fever","text":"近3天是否有发热（体温≥37.3℃）？","textEn":"Fever (≥ 37.3 °C) in the last 3 days?","type":"yesno","options":null,"contraindicatedIf":true},
          {"id":"allergy","text":"是否曾对疫苗或疫苗成分发生严重过敏反应？","textEn":"Ever a severe allergic reaction to a vaccine or its components?","type":"yesno","options":null,"contraindicatedIf":true},
          {"id":"acute","text":"目前是否患急性疾病，或慢性病处于急性发作期？","textEn":"An acute illness now, or a flare-up of a chronic disease?","type":"yesno","options":null,"contraindicatedIf":true},
          {"id":"pregnant","text":"是否怀孕或计划在接种期间怀孕？","textEn":"Pregnant, or planning pregnancy during the series?","type":"choice","options":["否","是","不确定"],"contraindicatedIf":["是"]},
          {"id":"recentVaccine","text":"近14天内是否接种过其他疫苗？","textEn":"Any other vaccine in the last 14 days?","type":"yesno","options":null,"contraindicatedIf":null},
          {"id":"notes","text":"其他需要告知医生的情况（选填）","textEn":"Anything else the doctor should know (optional)","type":"text","options":null,"contraindicatedIf":null}
        ]
        """;
}
