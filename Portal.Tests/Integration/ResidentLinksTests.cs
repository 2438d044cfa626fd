using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Archives;
using Portal.Core.Auditing;
using Portal.Core.Booking;
using Portal.Core.Common.Privacy;
using Portal.Core.Residents;
using Portal.Core.Residents.Links;
using Portal.Data;
using Portal.Data.Seed;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Who may act for whom, over real HTTP: attaching a person who already has a record needs their consent (a code
/// to the phone on their record, or approval by their own account) or a proof the account carries itself (its phone is
/// the record's; a minor's archive names it as the guardian's). Until then, and once a link is removed, the account sees
/// nothing of the person. The answers never tell whether a name matched (docs/decisions/0007-who-may-act-for-whom.md).</summary>
public abstract class ResidentLinksTests : PortalOnProvider
{
    private static int _sequence = Random.Shared.Next(0, 400);

    private sealed record Account(HttpClient Client, long Id, string Phone);

    private sealed record Person(Account Account, long ResidentId, string Name, string IdNumber)
    {
        public HttpClient Client => Account.Client;
    }

    [SkippableFact]
    public async Task Takeover_attempt_is_only_a_request_and_the_attacker_sees_and_cancels_nothing()
    {
        SkipUnlessAvailable();
        var victim = await HolderAsync("王小芳");
        await ResidentTestKit.AddInjectionAsync(Factory, victim.ResidentId, "COVID-BIBP", 1, DateOnly.FromDateTime(DateTime.Today).AddDays(-40));
        var appointmentId = await BookAsync(victim.Client, victim.ResidentId);
        var entryId = await JoinWaitlistAsync(victim.Client, victim.ResidentId);
        var attacker = await AccountAsync();

        var attach = await AttachAsync(attacker.Client, victim.Name, victim.IdNumber);
        Assert.Equal(HttpStatusCode.Accepted, attach.StatusCode);
        var request = await attach.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Pending", request.GetProperty("status").GetString());
        Assert.False(request.TryGetProperty("residentId", out _));

        await AssertNoAccessAsync(attacker.Client, victim.ResidentId);
        await ResidentTestKit.AssertProblemAsync(await attacker.Client.GetAsync($"/api/v1/appointments/{appointmentId}"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await attacker.Client.DeleteAsync($"/api/v1/appointments/{appointmentId}"), HttpStatusCode.NotFound);
        Assert.Equal(0, (await attacker.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/appointments")).GetArrayLength());
        Assert.Equal(0, (await attacker.Client.GetFromJsonAsync<JsonElement>("/api/v1/waitlist")).GetArrayLength());
        await ResidentTestKit.AssertProblemAsync(await attacker.Client.DeleteAsync($"/api/v1/waitlist/{entryId}"), HttpStatusCode.NotFound);
        Assert.Equal(AppointmentStatus.Booked, await Factory.WithDbAsync(db => db.Appointments.Where(a => a.Id == appointmentId).Select(a => a.Status).SingleAsync()));
    }

    [SkippableFact]
    public async Task Wrong_and_right_names_with_and_without_a_phone_on_record_answer_alike()
    {
        SkipUnlessAvailable();
        var withPhone = await HolderAsync("王小芳");
        var withoutPhone = await HolderAsync("李梅", withPhone: false);
        var first = await AccountAsync();
        var second = await AccountAsync();

        var answers = new[]
        {
            await AttachAsync(first.Client, "张冒名", withPhone.IdNumber),
            await AttachAsync(first.Client, withPhone.Name, withPhone.IdNumber),
            await AttachAsync(second.Client, withoutPhone.Name, withoutPhone.IdNumber),
            await AttachAsync(second.Client, "张冒名", withoutPhone.IdNumber),
        };
        var shapes = new List<string>();
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            Assert.Equal(Portal.Api.ResidentLinksApi.MyRequestsPath, answer.Headers.Location?.OriginalString);
            var text = await answer.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Masking.MaskPhone(withPhone.Account.Phone), text);
            Assert.DoesNotContain(Masking.MaskName(withPhone.Name), text);
            Assert.DoesNotContain(withPhone.Name, text);
            var body = JsonNode.Parse(text)!.AsObject();
            foreach (var own in new[] { "id", "createdAt", "expiresAt", "idNumberMasked" }) Assert.True(body.Remove(own), own);
            shapes.Add(body.ToJsonString());
        }
        Assert.Single(shapes.Distinct());

        // Only the right name for the record with a phone sent a code, to that phone, naming the asking account.
        Assert.Single(await WaitForCodesAsync(withPhone.Account.Phone, 1));
        var sms = File.ReadAllLines(Factory.SmsOutboxPath).Single(l => l.Contains("申请代", StringComparison.Ordinal));
        Assert.Contains(withPhone.Account.Phone, sms);
        Assert.Contains(Masking.MaskPhone(first.Phone), sms);
        Assert.Contains(Masking.MaskName(withPhone.Name), sms);
        Assert.Contains("如不同意，请忽略本短信", sms);
        Assert.Empty(Factory.LinkCodes(withoutPhone.Account.Phone));
    }

    [SkippableFact]
    public async Task The_code_sent_to_the_phone_on_record_confirms_the_request_once()
    {
        SkipUnlessAvailable();
        var person = await HolderAsync("王小芳");
        var helper = await AccountAsync();
        var requestId = await RequestIdAsync(await AttachAsync(helper.Client, person.Name, person.IdNumber, "Child"));
        var code = await Factory.WaitForLinkCodeAsync(person.Account.Phone);

        await AssertCodeRejectedAsync(await ConfirmAsync(helper.Client, requestId, Other(code)), LinkProblems.CodeWrong);
        await ResidentTestKit.AssertProblemAsync(await ConfirmAsync(person.Client, requestId, code), HttpStatusCode.NotFound);
        await AssertNoAccessAsync(helper.Client, person.ResidentId);

        var confirmed = await ConfirmAsync(helper.Client, requestId, code);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var member = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(person.ResidentId, member.GetProperty("residentId").GetInt64());
        Assert.Equal("Child", member.GetProperty("relationship").GetString());
        Assert.Equal(HttpStatusCode.OK, (await helper.Client.GetAsync($"/api/v1/me/records?residentId={person.ResidentId}")).StatusCode);
        Assert.Equal("Confirmed", (await helper.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/link-requests"))[0].GetProperty("status").GetString());
        await ResidentTestKit.AssertProblemAsync(await ConfirmAsync(helper.Client, requestId, code), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await AttachAsync(helper.Client, person.Name, person.IdNumber, "Child")).StatusCode);

        var audit = await AuditOfAsync(helper.Id);
        Assert.Contains(audit, e => e.Action == AuditActions.ResidentLinkRequested && e.EntityId == person.ResidentId.ToString());
        Assert.Contains(audit, e => e.Action == AuditActions.ResidentLinkCode && e.Detail.Contains("sent to"));
        var linked = Assert.Single(audit, e => e.Action == AuditActions.ResidentLinked);
        Assert.Contains("via SmsCode", linked.Detail);
        Assert.Equal(Masking.MaskPhone(helper.Phone), linked.UserName);
        Assert.Equal(person.ResidentId.ToString(), linked.EntityId);
        Assert.Equal(nameof(Resident), linked.EntityType);
    }

    [SkippableFact]
    public async Task Five_wrong_codes_lock_the_request_and_a_new_code_after_a_minute_works()
    {
        SkipUnlessAvailable();
        var person = await HolderAsync("王小芳");
        var helper = await AccountAsync();
        var requestId = await RequestIdAsync(await AttachAsync(helper.Client, person.Name, person.IdNumber));
        var code = await Factory.WaitForLinkCodeAsync(person.Account.Phone);
        for (var i = 0; i < ResidentLinkService.MaxAttempts; i++)
            await AssertCodeRejectedAsync(await ConfirmAsync(helper.Client, requestId, Other(code)), LinkProblems.CodeWrong);
        await AssertCodeRejectedAsync(await ConfirmAsync(helper.Client, requestId, code), LinkProblems.CodeTooManyTries);
        Assert.Single(await AuditOfAsync(helper.Id), e => e.Action == AuditActions.ResidentLinkLockedOut);

        // A new code only once a minute has passed since the last one, and then it works where the old one does not.
        var early = await helper.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/code", null);
        await AssertTooManyAsync(early, ResidentsErrors.LinkCodeTooFrequent.Code, TimeSpan.FromMinutes(1));
        await AgeCodeAsync(requestId, TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Accepted, (await helper.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/code", null)).StatusCode);
        var second = await Factory.WaitForLinkCodeAsync(person.Account.Phone, 2);
        if (second != code) await AssertCodeRejectedAsync(await ConfirmAsync(helper.Client, requestId, code), LinkProblems.CodeWrong);
        Assert.Equal(HttpStatusCode.OK, (await ConfirmAsync(helper.Client, requestId, second)).StatusCode);
    }

    [SkippableFact]
    public async Task A_request_whose_name_did_not_match_can_never_be_confirmed_and_fails_like_a_wrong_code()
    {
        SkipUnlessAvailable();
        var person = await HolderAsync("王小芳");
        var attacker = await AccountAsync();
        var guess = await RequestIdAsync(await AttachAsync(attacker.Client, "王晓芳", person.IdNumber));
        var right = await RequestIdAsync(await AttachAsync(attacker.Client, person.Name, person.IdNumber));
        var code = await Factory.WaitForLinkCodeAsync(person.Account.Phone);
        Assert.Single(Factory.LinkCodes(person.Account.Phone));
        Assert.Contains(await AuditOfAsync(attacker.Id), e => e.Action == AuditActions.ResidentLinkCode && e.Detail.Contains("withheld: the name does not match"));

        var wrongOnGuess = await ProblemBodyAsync(await ConfirmAsync(attacker.Client, guess, code));
        var wrongOnRight = await ProblemBodyAsync(await ConfirmAsync(attacker.Client, right, Other(code)));
        Assert.Equal(wrongOnRight, wrongOnGuess);

        // Even holding a valid code hash (which nothing ever writes for it), the guess stays unconfirmable.
        var protector = Factory.Services.GetRequiredService<IPersonalDataProtector>();
        await Factory.WithDbAsync(db => db.ResidentLinkRequests.Where(r => r.Id == guess)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CodeHash, ResidentLinkService.HashCode(protector, guess, "123456"))));
        Assert.Equal(wrongOnRight, await ProblemBodyAsync(await ConfirmAsync(attacker.Client, guess, "123456")));
        await AssertNoAccessAsync(attacker.Client, person.ResidentId);
        Assert.DoesNotContain((await person.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/link-requests/incoming")).EnumerateArray(),
            r => r.GetProperty("id").GetInt64() == guess);
    }

    [SkippableFact]
    public async Task The_persons_own_account_approves_a_request()
    {
        SkipUnlessAvailable();
        var person = await HolderAsync("王小芳", withPhone: false);
        var helper = await AccountAsync();
        var requestId = await RequestIdAsync(await AttachAsync(helper.Client, person.Name, person.IdNumber, "Spouse"));

        var incoming = Assert.Single((await person.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/link-requests/incoming")).EnumerateArray());
        Assert.Equal(requestId, incoming.GetProperty("id").GetInt64());
        Assert.Equal(Masking.MaskPhone(helper.Phone), incoming.GetProperty("requesterPhoneMasked").GetString());
        Assert.Equal("Spouse", incoming.GetProperty("relationship").GetString());
        Assert.Equal(0, (await helper.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/link-requests/incoming")).GetArrayLength());
        await ResidentTestKit.AssertProblemAsync(await helper.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/approve", null), HttpStatusCode.NotFound);

        var approved = await person.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var link = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(helper.Id, link.GetProperty("accountId").GetInt64());
        Assert.Equal("Approval", link.GetProperty("linkedVia").GetString());
        Assert.True(link.GetProperty("canRemove").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await helper.Client.GetAsync($"/api/v1/me/records?residentId={person.ResidentId}")).StatusCode);
        await ResidentTestKit.AssertProblemAsync(await person.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/approve", null), HttpStatusCode.Conflict);
        Assert.Contains(await AuditOfAsync(person.Account.Id), e => e.Action == AuditActions.ResidentLinkApproved && e.Detail.Contains($"request {requestId}"));
        Assert.Contains(await AuditOfAsync(helper.Id), e => e.Action == AuditActions.ResidentLinked && e.Detail.Contains("via Approval"));
    }

    [SkippableFact]
    public async Task A_rejected_request_reads_pending_to_its_requester_but_its_code_no_longer_works()
    {
        SkipUnlessAvailable();
        var person = await HolderAsync("王小芳");
        var stranger = await AccountAsync();
        var requestId = await RequestIdAsync(await AttachAsync(stranger.Client, person.Name, person.IdNumber));
        var code = await Factory.WaitForLinkCodeAsync(person.Account.Phone);
        var before = await MyRequestAsync(stranger.Client, requestId);

        Assert.Equal(HttpStatusCode.NoContent, (await person.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/reject", null)).StatusCode);
        Assert.Equal(before, await MyRequestAsync(stranger.Client, requestId));
        await AssertCodeRejectedAsync(await ConfirmAsync(stranger.Client, requestId, code), LinkProblems.CodeWrong);
        await AssertNoAccessAsync(stranger.Client, person.ResidentId);
        Assert.Equal(0, (await person.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/link-requests/incoming")).GetArrayLength());
        Assert.Contains(await AuditOfAsync(person.Account.Id), e => e.Action == AuditActions.ResidentLinkRejected);

        Assert.Equal(HttpStatusCode.NoContent, (await stranger.Client.DeleteAsync($"/api/v1/me/link-requests/{requestId}")).StatusCode);
        Assert.Equal("Withdrawn", JsonNode.Parse(await MyRequestAsync(stranger.Client, requestId))!["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task An_account_whose_phone_is_on_the_record_links_at_once_but_only_with_the_right_name()
    {
        SkipUnlessAvailable();
        var other = await AccountAsync();
        var parent = await AccountAsync();
        var child = await RecordAsync(parent, "陈小宝", ageYears: 6, relationship: "Child", phone: other.Phone);

        await RequestIdAsync(await AttachAsync(other.Client, "陈大宝", child.IdNumber, "Child"));
        var linked = await AttachAsync(other.Client, child.Name, child.IdNumber, "Child");
        Assert.Equal(HttpStatusCode.Created, linked.StatusCode);
        Assert.True((await linked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isGuardian").GetBoolean());

        var accounts = await LinkedAccountsAsync(parent.Client, child.ResidentId);
        Assert.Equal("OwnPhone", accounts.Single(a => a.GetProperty("accountId").GetInt64() == other.Id).GetProperty("linkedVia").GetString());
        Assert.Equal("NewRecord", accounts.Single(a => a.GetProperty("isThisAccount").GetBoolean()).GetProperty("linkedVia").GetString());
        Assert.Contains(await AuditOfAsync(other.Id), e => e.Action == AuditActions.ResidentLinked && e.Detail.Contains("via OwnPhone"));
    }

    [SkippableFact]
    public async Task The_same_account_attaching_the_same_person_twice_at_once_gets_one_link()
    {
        SkipUnlessAvailable();
        var other = await AccountAsync();
        var parent = await AccountAsync();
        var child = await RecordAsync(parent, "陈小乐", ageYears: 5, relationship: "Child", phone: other.Phone);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => AttachAsync(other.Client, child.Name, child.IdNumber, "Child")));

        // The first to land creates the link (201); the others find it (200, the same member).
        foreach (var answer in answers)
            Assert.True(answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        var ids = new HashSet<long>();
        foreach (var answer in answers) ids.Add((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("residentId").GetInt64());
        Assert.Equal([child.ResidentId], ids);
        Assert.Single(await LinkedAccountsAsync(parent.Client, child.ResidentId), a => a.GetProperty("accountId").GetInt64() == other.Id);
    }

    [SkippableFact]
    public async Task The_guardian_named_on_a_minors_archive_links_at_once_but_not_to_an_adult()
    {
        SkipUnlessAvailable();
        var parent = await AccountAsync();
        var guardian = await AccountAsync();
        var child = await RecordAsync(parent, "刘小宝", ageYears: 4, relationship: "Child");
        var adult = await RecordAsync(parent, "刘大宝", ageYears: 19, relationship: "Child");
        await ArchiveAsync(child.ResidentId, guardian.Phone);
        await ArchiveAsync(adult.ResidentId, guardian.Phone);

        var linked = await AttachAsync(guardian.Client, child.Name, child.IdNumber, "Other");
        Assert.Equal(HttpStatusCode.Created, linked.StatusCode);
        Assert.True((await linked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isGuardian").GetBoolean());
        Assert.Equal("ArchiveGuardian", (await LinkedAccountsAsync(guardian.Client, child.ResidentId))
            .Single(a => a.GetProperty("isThisAccount").GetBoolean()).GetProperty("linkedVia").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await AttachAsync(guardian.Client, adult.Name, adult.IdNumber, "Child")).StatusCode);
        await AssertNoAccessAsync(guardian.Client, adult.ResidentId);
    }

    [SkippableFact]
    public async Task The_demo_guardian_phone_attaches_the_demo_child_named_on_its_archive()
    {
        SkipUnlessAvailable();
        var (client, _) = await Factory.SignInResidentAsync(DemoDataSeeder.DemoGuardianPhone);
        Assert.Equal(HttpStatusCode.Accepted, (await AttachAsync(client, "陈大宝", DemoDataSeeder.DemoChildIdNumber(), "Child")).StatusCode);
        var linked = await AttachAsync(client, DemoDataSeeder.DemoChildName, DemoDataSeeder.DemoChildIdNumber(), "Child");
        Assert.Equal(HttpStatusCode.Created, linked.StatusCode);
        Assert.True((await linked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isGuardian").GetBoolean());
    }

    [SkippableFact]
    public async Task The_person_removes_a_linked_account_which_then_loses_even_what_it_booked_itself()
    {
        SkipUnlessAvailable();
        var person = await HolderAsync("王小芳");
        var helper = await AccountAsync();
        var requestId = await RequestIdAsync(await AttachAsync(helper.Client, person.Name, person.IdNumber));
        Assert.Equal(HttpStatusCode.OK, (await ConfirmAsync(helper.Client, requestId, await Factory.WaitForLinkCodeAsync(person.Account.Phone))).StatusCode);
        var appointmentId = await BookAsync(helper.Client, person.ResidentId);
        var entryId = await JoinWaitlistAsync(helper.Client, person.ResidentId);
        Assert.Equal(HttpStatusCode.OK, (await helper.Client.GetAsync($"/api/v1/appointments/{appointmentId}")).StatusCode);

        var accounts = await LinkedAccountsAsync(person.Client, person.ResidentId);
        Assert.Equal(2, accounts.Count);
        var self = accounts[0];
        Assert.True(self.GetProperty("isThisAccount").GetBoolean());
        Assert.Equal("Self", self.GetProperty("relationship").GetString());
        Assert.False(self.GetProperty("canRemove").GetBoolean());
        var theirs = accounts[1];
        Assert.Equal(helper.Id, theirs.GetProperty("accountId").GetInt64());
        Assert.Equal(Masking.MaskPhone(helper.Phone), theirs.GetProperty("phoneMasked").GetString());
        Assert.Equal("Other", theirs.GetProperty("relationship").GetString());
        Assert.Equal("SmsCode", theirs.GetProperty("linkedVia").GetString());
        Assert.True(theirs.GetProperty("canRemove").GetBoolean());
        Assert.True(theirs.GetProperty("since").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        // The helper is neither the person nor a guardian: it may not see or change the list.
        await ResidentTestKit.AssertProblemAsync(await helper.Client.GetAsync($"/api/v1/me/residents/{person.ResidentId}/accounts"), HttpStatusCode.Forbidden);
        await ResidentTestKit.AssertProblemAsync(await helper.Client.DeleteAsync($"/api/v1/me/residents/{person.ResidentId}/accounts/{person.Account.Id}"),
            HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.NoContent, (await person.Client.DeleteAsync($"/api/v1/me/residents/{person.ResidentId}/accounts/{helper.Id}")).StatusCode);
        await ResidentTestKit.AssertProblemAsync(await person.Client.DeleteAsync($"/api/v1/me/residents/{person.ResidentId}/accounts/{helper.Id}"),
            HttpStatusCode.NotFound);
        await AssertNoAccessAsync(helper.Client, person.ResidentId);
        await ResidentTestKit.AssertProblemAsync(await helper.Client.GetAsync($"/api/v1/appointments/{appointmentId}"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await helper.Client.DeleteAsync($"/api/v1/appointments/{appointmentId}"), HttpStatusCode.NotFound);
        Assert.Equal(0, (await helper.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/appointments")).GetArrayLength());
        Assert.Equal(0, (await helper.Client.GetFromJsonAsync<JsonElement>("/api/v1/waitlist")).GetArrayLength());
        await ResidentTestKit.AssertProblemAsync(await helper.Client.DeleteAsync($"/api/v1/waitlist/{entryId}"), HttpStatusCode.NotFound);

        // The person keeps what the helper booked for them.
        Assert.Contains((await person.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/appointments")).EnumerateArray(),
            a => a.GetProperty("id").GetInt64() == appointmentId);
        Assert.Single((await person.Client.GetFromJsonAsync<JsonElement>("/api/v1/waitlist")).EnumerateArray());
        var removed = Assert.Single(await AuditOfAsync(person.Account.Id), e => e.Action == AuditActions.ResidentLinkRemoved);
        Assert.Contains($"account {helper.Id}", removed.Detail);
    }

    [SkippableFact]
    public async Task A_guardian_removes_other_links_of_a_minor_but_not_the_other_guardian()
    {
        SkipUnlessAvailable();
        var mother = await AccountAsync();
        var father = await AccountAsync();
        var grandma = await AccountAsync();
        var child = await RecordAsync(mother, "周小宝", ageYears: 3, relationship: "Child", phone: father.Phone);
        Assert.Equal(HttpStatusCode.Created, (await AttachAsync(father.Client, child.Name, child.IdNumber, "Child")).StatusCode);
        var requestId = await RequestIdAsync(await AttachAsync(grandma.Client, child.Name, child.IdNumber));
        Assert.Single((await father.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/link-requests/incoming")).EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await mother.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/approve", null)).StatusCode);

        var seen = await LinkedAccountsAsync(father.Client, child.ResidentId);
        Assert.False(seen.Single(a => a.GetProperty("accountId").GetInt64() == mother.Id).GetProperty("canRemove").GetBoolean());
        Assert.True(seen.Single(a => a.GetProperty("accountId").GetInt64() == grandma.Id).GetProperty("canRemove").GetBoolean());
        await ResidentTestKit.AssertProblemAsync(await father.Client.DeleteAsync($"/api/v1/me/residents/{child.ResidentId}/accounts/{mother.Id}"),
            HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await father.Client.DeleteAsync($"/api/v1/me/residents/{child.ResidentId}/accounts/{grandma.Id}")).StatusCode);
        await AssertNoAccessAsync(grandma.Client, child.ResidentId);
        Assert.Equal(HttpStatusCode.OK, (await mother.Client.GetAsync($"/api/v1/me/records?residentId={child.ResidentId}")).StatusCode);
    }

    [SkippableFact]
    public async Task Detaching_removes_only_the_accounts_own_link()
    {
        SkipUnlessAvailable();
        var parent = await AccountAsync();
        var other = await AccountAsync();
        var child = await RecordAsync(parent, "吴小宝", ageYears: 8, relationship: "Child", phone: other.Phone);
        Assert.Equal(HttpStatusCode.Created, (await AttachAsync(other.Client, child.Name, child.IdNumber, "Child")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await other.Client.DeleteAsync($"/api/v1/me/residents/{child.ResidentId}")).StatusCode);
        await AssertNoAccessAsync(other.Client, child.ResidentId);
        await ResidentTestKit.AssertProblemAsync(await other.Client.DeleteAsync($"/api/v1/me/residents/{child.ResidentId}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await parent.Client.GetAsync($"/api/v1/me/records?residentId={child.ResidentId}")).StatusCode);
        Assert.Single(await LinkedAccountsAsync(parent.Client, child.ResidentId));
        Assert.Contains(await AuditOfAsync(other.Id), e => e.Action == AuditActions.ResidentDetached && e.Detail.Contains("via OwnPhone"));
        Assert.Contains(await AuditOfAsync(parent.Id), e => e.Action == AuditActions.ResidentLinked && e.Detail.Contains("via NewRecord"));
    }

    [SkippableFact]
    public async Task Requests_and_codes_are_limited_per_account_and_per_person_with_a_truthful_retry_after()
    {
        SkipUnlessAvailable();
        var person = await HolderAsync("王小芳");
        var a = await AccountAsync();
        for (var i = 0; i < ResidentLinkService.MaxPendingPerAccount; i++)
            await RequestIdAsync(await AttachAsync(a.Client, i == 0 ? person.Name : "王某" + TestIds.ChineseDigits(i), person.IdNumber));
        await AssertTooManyAsync(await AttachAsync(a.Client, person.Name, person.IdNumber), ResidentsErrors.LinkRequestsPendingLimit.Code, ResidentLinkService.RequestLifetime);

        // Withdrawing frees a pending place, but this account has had all its codes for this person today.
        var mine = await a.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/link-requests");
        Assert.Equal(HttpStatusCode.NoContent, (await a.Client.DeleteAsync($"/api/v1/me/link-requests/{mine[0].GetProperty("id").GetInt64()}")).StatusCode);
        await AssertTooManyAsync(await AttachAsync(a.Client, person.Name, person.IdNumber), ResidentsErrors.LinkCodeDailyLimit.Code, TimeSpan.FromDays(1));

        // Codes for one person are capped whoever asks, whether or not the name matched.
        var asked = ResidentLinkService.MaxCodesPerAccountAndPersonPerDay;
        while (asked < ResidentLinkService.MaxCodesPerPersonPerDay)
        {
            var next = await AccountAsync();
            for (var i = 0; i < ResidentLinkService.MaxCodesPerAccountAndPersonPerDay && asked < ResidentLinkService.MaxCodesPerPersonPerDay; i++, asked++)
                await RequestIdAsync(await AttachAsync(next.Client, "李某" + TestIds.ChineseDigits(i), person.IdNumber));
        }
        var late = await AccountAsync();
        await AssertTooManyAsync(await AttachAsync(late.Client, person.Name, person.IdNumber), ResidentsErrors.LinkCodeDailyLimit.Code, TimeSpan.FromDays(1));
        Assert.True(Factory.LinkCodes(person.Account.Phone).Count <= ResidentLinkService.MaxCodesPerAccountAndPersonPerDay);

        // An account adds at most so many people a day, new records included, whatever the ID numbers.
        var busy = await AccountAsync();
        for (var i = 0; i < ResidentLinkService.MaxAttachesPerAccountPerDay; i++)
            Assert.Equal(HttpStatusCode.Created, (await AttachAsync(busy.Client, "赵某" + TestIds.ChineseDigits(i), NewIdNumber(20 + i))).StatusCode);
        await AssertTooManyAsync(await AttachAsync(busy.Client, "赵某", NewIdNumber(40)), ResidentsErrors.LinkDailyLimit.Code, TimeSpan.FromDays(1));
    }

    [SkippableFact]
    public async Task Link_endpoints_answer_404_for_other_peoples_requests_and_400_for_bad_codes()
    {
        SkipUnlessAvailable();
        var person = await HolderAsync("王小芳");
        var helper = await AccountAsync();
        var stranger = await AccountAsync();
        var requestId = await RequestIdAsync(await AttachAsync(helper.Client, person.Name, person.IdNumber));

        await ResidentTestKit.AssertProblemAsync(await ConfirmAsync(stranger.Client, requestId, "123456"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await stranger.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/code", null), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/v1/me/link-requests/{requestId}"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await stranger.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/approve", null), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await stranger.Client.PostAsync($"/api/v1/me/link-requests/{requestId}/reject", null), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await stranger.Client.GetAsync($"/api/v1/me/residents/{person.ResidentId}/accounts"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/v1/me/residents/{person.ResidentId}"), HttpStatusCode.NotFound);
        await AssertCodeRejectedAsync(await ConfirmAsync(helper.Client, requestId, "12ab"), LinkProblems.CodeFormat);
        await ResidentTestKit.AssertProblemAsync(await person.Client.DeleteAsync($"/api/v1/me/residents/{person.ResidentId}/accounts/{person.Account.Id}"),
            HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.CreateClient().GetAsync("/api/v1/me/link-requests")).StatusCode);
    }

    // ---- helpers ----

    private static string NewIdNumber(int ageYears) =>
        TestIds.ResidentId(DateOnly.FromDateTime(DateTime.Today).AddYears(-ageYears).AddDays(-20), female: true, sequence: Interlocked.Increment(ref _sequence),
            area: "310115");

    private async Task<Account> AccountAsync()
    {
        var phone = TestIds.NewPhone();
        var (client, id) = await Factory.SignInResidentAsync(phone);
        return new Account(client, id, phone);
    }

    /// <summary>A new account holding its own record (Self), with the account's phone on the record unless told otherwise.</summary>
    private async Task<Person> HolderAsync(string name, bool withPhone = true)
    {
        var account = await AccountAsync();
        return await RecordAsync(account, name, 35, "Self", withPhone ? account.Phone : null);
    }

    /// <summary>A new record registered by <paramref name="by"/>, with <paramref name="phone"/> on it.</summary>
    private static async Task<Person> RecordAsync(Account by, string name, int ageYears, string relationship, string? phone = null)
    {
        var idNumber = NewIdNumber(ageYears);
        var response = await AttachAsync(by.Client, name, idNumber, relationship, phone);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Person(by, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("residentId").GetInt64(), name, idNumber);
    }

    private static Task<HttpResponseMessage> AttachAsync(HttpClient client, string name, string idNumber, string relationship = "Other", string? phone = null) =>
        client.PostAsJsonAsync("/api/v1/me/residents", new { name, idKind = "ResidentIdCard", idNumber, relationship, phone });

    private static async Task<long> RequestIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient client, long requestId, string code) =>
        client.PostAsJsonAsync($"/api/v1/me/link-requests/{requestId}/confirm", new { code });

    private static string Other(string code) => code == "000000" ? "111111" : "000000";

    private static async Task<string> MyRequestAsync(HttpClient client, long requestId) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/me/link-requests")).EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == requestId).GetRawText();

    private static async Task<List<JsonElement>> LinkedAccountsAsync(HttpClient client, long residentId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/me/residents/{residentId}/accounts")).EnumerateArray().ToList();

    private async Task<IReadOnlyList<string>> WaitForCodesAsync(string phone, int count)
    {
        await Factory.WaitForLinkCodeAsync(phone, count);
        return Factory.LinkCodes(phone);
    }

    /// <summary>The account sees nothing of the person: not on its list, and 404 for records, certificate, QR code and schedule.</summary>
    private static async Task AssertNoAccessAsync(HttpClient client, long residentId)
    {
        foreach (var url in new[] { "/api/v1/me/records", "/api/v1/me/certificate", "/api/v1/me/qr", "/api/v1/me/next-doses" })
            await ResidentTestKit.AssertProblemAsync(await client.GetAsync($"{url}?residentId={residentId}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonElement>("/api/v1/me/residents")).EnumerateArray(),
            m => m.GetProperty("residentId").GetInt64() == residentId);
    }

    private static async Task AssertCodeRejectedAsync(HttpResponseMessage response, Core.Common.Bilingual message)
    {
        await ResidentTestKit.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("code");
        Assert.Equal(message.ToString(), errors[0].GetString());
    }

    /// <summary>The problem body without its trace id, to compare two answers.</summary>
    private static async Task<string> ProblemBodyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string code, TimeSpan atMost)
    {
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(code, await CancelTestKit.CodeAsync(response));
        var retry = response.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After");
        Assert.InRange(retry, atMost - TimeSpan.FromMinutes(2), atMost);
    }

    private async Task<long> BookAsync(HttpClient client, long residentId)
    {
        var slotId = await Factory.CreateTodaySlotAsync();
        var response = await client.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private async Task<long> JoinWaitlistAsync(HttpClient client, long residentId)
    {
        var productId = await Factory.WithDbAsync(db => db.Products.Where(p => p.Code == "HPV9-GARDASIL9").Select(p => p.Id).SingleAsync());
        var response = await client.PostAsJsonAsync("/api/v1/waitlist", new { residentId, productId });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private Task ArchiveAsync(long residentId, string guardianPhone) => Factory.WithDbAsync(async db =>
    {
        var protector = Factory.Services.GetRequiredService<IPersonalDataProtector>();
        db.Archives.Add(new VaccinationArchive
        {
            ResidentId = residentId, ManagingSiteId = await db.Sites.OrderBy(s => s.Code).Select(s => s.Id).FirstAsync(), Status = ArchiveStatus.Active,
            ArchiveNumber = "T" + Guid.NewGuid().ToString("N")[..15], GuardianPhoneHash = protector.LookupHash(guardianPhone),
        });
        return await db.SaveChangesAsync();
    });

    private Task AgeCodeAsync(long requestId, TimeSpan by) => Factory.WithDbAsync(async db =>
    {
        var request = await db.ResidentLinkRequests.SingleAsync(r => r.Id == requestId);
        request.CodeSentAt -= by;
        return await db.SaveChangesAsync();
    });

    private Task<List<AuditEntry>> AuditOfAsync(long accountId) =>
        Factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.UserId == AuditService.ResidentUserId(accountId)).OrderBy(e => e.Id).ToListAsync());
}

public sealed class ResidentLinksOnSqliteTests : ResidentLinksTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class ResidentLinksOnPostgreSqlTests : ResidentLinksTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
