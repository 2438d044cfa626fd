using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Waitlist;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>Registration, positions, withdrawal and refusals, on a real SQLite file.</summary>
public class WaitlistServiceTests
{
    [Fact]
    public async Task Positions_follow_registration_order_and_close_up_after_a_withdrawal()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var people = await kit.RegisterManyAsync(3);

        var positions = new List<int?>();
        foreach (var p in people)
            positions.Add((await kit.Waitlist.ListForAccountAsync(p.AccountId)).Single().Position);
        Assert.Equal([1, 2, 3], positions);
        Assert.Equal(3, (await kit.Waitlist.ListForAccountAsync(people[2].AccountId)).Single().WaitingCount);

        await kit.Waitlist.WithdrawAsync(people[0].AccountId, people[0].EntryId);
        Assert.Equal(WaitlistStatus.Withdrawn, await kit.StatusAsync(people[0].EntryId));
        Assert.Null((await kit.Waitlist.ListForAccountAsync(people[0].AccountId)).Single().Position);
        Assert.Equal(1, (await kit.Waitlist.ListForAccountAsync(people[1].AccountId)).Single().Position);
        Assert.Equal(2, (await kit.Waitlist.ListForAccountAsync(people[2].AccountId)).Single().Position);

        await using var db = kit.Db.CreateDbContext();
        var kinds = await db.WaitlistEvents.Where(e => e.EntryId == people[0].EntryId).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync();
        Assert.Equal([WaitlistEventKinds.Registered, WaitlistEventKinds.Withdrawn], kinds);
    }

    [Fact]
    public async Task A_second_registration_for_the_same_product_is_409_but_allowed_after_withdrawing()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var (account, resident) = await kit.NewResidentAsync();
        var entry = await kit.Waitlist.RegisterAsync(account, new RegisterInterestRequest(resident, kit.ScarceProductId));

        var e = await Assert.ThrowsAsync<DomainProblemException>(() => kit.Waitlist.RegisterAsync(account, new RegisterInterestRequest(resident, kit.ScarceProductId)));
        Assert.Equal((ProblemKind.Conflict, "already_registered"), (e.Kind, e.Code));

        await kit.Waitlist.WithdrawAsync(account, entry.Id);
        var again = await kit.Waitlist.RegisterAsync(account, new RegisterInterestRequest(resident, kit.ScarceProductId));
        Assert.NotEqual(entry.Id, again.Id);
    }

    [Fact]
    public async Task Refuses_other_accounts_ordinary_products_ineligible_and_blocked_people()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var (account, resident) = await kit.NewResidentAsync();
        var (otherAccount, _) = await kit.NewResidentAsync();

        var notMine = await Assert.ThrowsAsync<DomainProblemException>(() => kit.Waitlist.RegisterAsync(otherAccount, new RegisterInterestRequest(resident, kit.ScarceProductId)));
        Assert.Equal(ProblemKind.NotFound, notMine.Kind);

        var ordinary = await Assert.ThrowsAsync<DomainValidationException>(() => kit.Waitlist.RegisterAsync(account, new RegisterInterestRequest(resident, kit.OrdinaryProductId)));
        Assert.Equal("productId", ordinary.Errors.Single().Field);

        var missing = await Assert.ThrowsAsync<DomainValidationException>(() => kit.Waitlist.RegisterAsync(account, new RegisterInterestRequest(null, null)));
        Assert.Equal(["residentId", "productId"], missing.Errors.Select(x => x.Field));

        var (manAccount, man) = await kit.NewResidentAsync(Sex.Male);
        var male = await Assert.ThrowsAsync<DomainProblemException>(() => kit.Waitlist.RegisterAsync(manAccount, new RegisterInterestRequest(man, kit.ScarceProductId)));
        Assert.Equal("not_eligible", male.Code);

        var (oldAccount, old) = await kit.NewResidentAsync(ageYears: 50);
        Assert.Equal("not_eligible", (await Assert.ThrowsAsync<DomainProblemException>(() =>
            kit.Waitlist.RegisterAsync(oldAccount, new RegisterInterestRequest(old, kit.ScarceProductId)))).Code);

        var blockedUntil = ChinaTime.Today(kit.Clock).AddDays(30);
        var (blockedAccount, blocked) = await kit.NewResidentAsync(blockedUntil: blockedUntil);
        var b = await Assert.ThrowsAsync<DomainProblemException>(() => kit.Waitlist.RegisterAsync(blockedAccount, new RegisterInterestRequest(blocked, kit.ScarceProductId)));
        Assert.Equal((ProblemKind.Conflict, "scarce_booking_blocked"), (b.Kind, b.Code));
        Assert.Contains(blockedUntil.ToString("yyyy-MM-dd"), b.Bilingual.En);

        await using var db = kit.Db.CreateDbContext();
        Assert.Equal(0, await db.WaitlistEntries.CountAsync());
    }
}
