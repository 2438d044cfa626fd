using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Slots;

namespace Portal.Tests.TestSupport;

/// <summary>The booking tests' common ground: a new clinic with one slot, and residents who each have an account
/// (phone cipher "p-{i}") and are their own family member.</summary>
internal static class BookingArrangements
{
    public static async Task<(long SlotId, List<(long AccountId, long ResidentId)> People)> SlotAndPeopleAsync(TestDatabase db, DateOnly date,
        int capacity, int count, string productCode = "COVID-BIBP", DateOnly? birthDate = null)
    {
        await using var ctx = db.CreateDbContext();
        var street = await ctx.Streets.OrderBy(s => s.Code).FirstAsync();
        var site = new Site { Code = "T-" + Guid.NewGuid().ToString("N")[..6], Name = "测试门诊", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode, StreetCode = street.Code };
        ctx.Sites.Add(site);
        var product = await ctx.Products.FirstAsync(p => p.Code == productCode);
        await ctx.SaveChangesAsync();
        var slot = new Slot { SiteId = site.Id, ProductId = product.Id, Date = date, StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(10, 0), Capacity = capacity };
        ctx.Slots.Add(slot);
        var accounts = Enumerable.Range(0, count).Select(i => new ResidentAccount { PhoneHash = $"h{i}-{Guid.NewGuid():N}", PhoneCipher = $"p-{i}", PhoneMasked = "139****0000" }).ToList();
        var residents = Enumerable.Range(0, count).Select(i => new Resident
        {
            Name = $"居民{i}", IdKind = IdDocumentKind.Passport, IdNumberCipher = "x", IdNumberHash = $"r{i}-{Guid.NewGuid():N}", IdNumberMasked = "x",
            Sex = Sex.Female, BirthDate = birthDate ?? new DateOnly(1990, 1, 1), Residency = ResidencyKind.Household,
        }).ToList();
        ctx.ResidentAccounts.AddRange(accounts);
        ctx.Residents.AddRange(residents);
        await ctx.SaveChangesAsync();
        ctx.FamilyMembers.AddRange(accounts.Zip(residents).Select(p => new FamilyMember { AccountId = p.First.Id, ResidentId = p.Second.Id, Relationship = Relationship.Self }));
        await ctx.SaveChangesAsync();
        return (slot.Id, accounts.Zip(residents).Select(p => (p.First.Id, p.Second.Id)).ToList());
    }
}
