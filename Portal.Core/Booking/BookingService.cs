using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Core.Booking;

public sealed record SlotDto(long Id, long SiteId, long ProductId, string ProductName, string ProductNameEn, DateOnly Date,
    TimeOnly StartTime, TimeOnly EndTime, int Capacity, int Remaining, bool IsBookable, DateTimeOffset? ReleaseAt);

public sealed record AppointmentDto(long Id, long ResidentId, long SlotId, long SiteId, string SiteName, long ProductId, string ProductName,
    int DoseNumber, DateOnly Date, TimeOnly StartTime, TimeOnly EndTime, AppointmentStatus Status);

public sealed record BookRequest(long? SlotId, long? ResidentId);

/// <summary>Slots and bookings. The only guard against overbooking is the database: one conditional
/// UPDATE (Booked &lt; Capacity) plus the unique active-appointment key, in one transaction.</summary>
public sealed class BookingService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public const int MaxDaysRange = 31;

    public async Task<IReadOnlyList<SlotDto>> ListSlotsAsync(long siteId, DateOnly? from, DateOnly? to, long? productId, CancellationToken ct = default)
    {
        var today = ChinaTime.Today(clock);
        var start = from ?? today;
        var end = to ?? start.AddDays(13);
        if (end < start)
            throw new DomainValidationException("to", new("结束日期不能早于开始日期", "'to' must not be before 'from'"));
        if (end.DayNumber - start.DayNumber > MaxDaysRange)
            throw new DomainValidationException("to", new($"查询范围不能超过{MaxDaysRange}天", $"The range may not exceed {MaxDaysRange} days"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Set<Site>().AnyAsync(s => s.Id == siteId && s.IsActive, ct))
            throw new DomainProblemException(ProblemKind.NotFound, "site_not_found", new("接种点不存在", "No such vaccination site"));
        var now = clock.GetUtcNow();
        var rows = await db.Set<Slot>().AsNoTracking()
            .Where(s => s.SiteId == siteId && s.Date >= start && s.Date <= end && !s.IsClosed && (productId == null || s.ProductId == productId))
            .Join(db.Set<VaccineProduct>(), s => s.ProductId, p => p.Id, (s, p) => new { s, p.Name, p.NameEn })
            .OrderBy(x => x.s.Date).ThenBy(x => x.s.StartTime)
            .ToListAsync(ct);
        return rows.Select(x => new SlotDto(x.s.Id, x.s.SiteId, x.s.ProductId, x.Name, x.NameEn, x.s.Date, x.s.StartTime, x.s.EndTime,
            x.s.Capacity, x.s.Capacity - x.s.Booked, IsOpen(x.s, today, now) && x.s.Booked < x.s.Capacity, x.s.ReleaseAt)).ToList();
    }

    private static bool IsOpen(Slot s, DateOnly today, DateTimeOffset now) =>
        !s.IsClosed && s.Date >= today && (s.ReleaseAt is null || s.ReleaseAt <= now);

    public async Task<AppointmentDto> BookAsync(long accountId, BookRequest request, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (request.SlotId is not > 0) errors.Add(new("slotId", new("请选择预约时段", "Choose a slot")));
        if (request.ResidentId is not > 0) errors.Add(new("residentId", new("请选择接种人", "Choose who will be vaccinated")));
        if (errors.Count > 0) throw new DomainValidationException(errors);
        var slotId = request.SlotId!.Value;
        var residentId = request.ResidentId!.Value;

        await using var db = await contexts.CreateDbContextAsync(ct);
        await ResidentService.EnsureMemberAsync(db, accountId, residentId, ct);
        var slot = await db.Set<Slot>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == slotId, ct)
            ?? throw new DomainProblemException(ProblemKind.NotFound, "slot_not_found", new("预约时段不存在", "No such slot"));
        var today = ChinaTime.Today(clock);
        var now = clock.GetUtcNow();
        if (slot.Date < today)
            throw new DomainValidationException("slotId", new("不能预约过去的日期", "That slot's date is in the past"));
        if (slot.IsClosed)
            throw new DomainProblemException(ProblemKind.Conflict, "slot_closed", new("该时段已停止预约", "This slot is closed"));
        if (slot.ReleaseAt is { } release && release > now)
            throw new DomainProblemException(ProblemKind.Conflict, "slot_not_released",
                new($"该时段将于{ChinaTime.ToChina(release):yyyy-MM-dd HH:mm}开放预约", $"This slot opens for booking at {ChinaTime.ToChina(release):yyyy-MM-dd HH:mm} (China time)"));

        var product = await db.Set<VaccineProduct>().AsNoTracking().Include(p => p.Schedules).FirstAsync(p => p.Id == slot.ProductId, ct);
        var resident = await db.Set<Resident>().AsNoTracking().FirstAsync(r => r.Id == residentId, ct);
        CheckBasicEligibility(product, resident, slot.Date);
        var dose = await NextDoseNumberAsync(db, product, residentId, ct);
        var site = await db.Set<Site>().AsNoTracking().Where(s => s.Id == slot.SiteId).Select(s => s.Name).FirstAsync(ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Set<Slot>()
            .Where(s => s.Id == slotId && s.Booked < s.Capacity && !s.IsClosed)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Booked, x => x.Booked + 1), ct);
        if (taken == 0)
            throw new DomainProblemException(ProblemKind.Conflict, "slot_full", new("该时段已约满", "This slot is fully booked"));
        var appointment = new Appointment
        {
            SlotId = slot.Id, SiteId = slot.SiteId, ProductId = slot.ProductId, ResidentId = residentId, AccountId = accountId,
            DoseNumber = dose, Date = slot.Date, Status = AppointmentStatus.Booked, ActiveKey = ActiveKey(residentId, product.SeriesGroup, dose),
        };
        db.Add(appointment);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            await tx.RollbackAsync(ct);
            throw new DomainProblemException(ProblemKind.Conflict, "already_booked",
                new("该接种人已有此剂次的有效预约", "This person already has an active appointment for this dose"));
        }
        await tx.CommitAsync(ct);
        return new AppointmentDto(appointment.Id, residentId, slot.Id, slot.SiteId, site, product.Id, product.Name, dose, slot.Date,
            slot.StartTime, slot.EndTime, appointment.Status);
    }

    public async Task<IReadOnlyList<AppointmentDto>> ListForAccountAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await (from a in db.Set<Appointment>().AsNoTracking()
                      where a.AccountId == accountId
                      join s in db.Set<Slot>() on a.SlotId equals s.Id
                      join site in db.Set<Site>() on a.SiteId equals site.Id
                      join p in db.Set<VaccineProduct>() on a.ProductId equals p.Id
                      orderby a.Date descending, a.Id descending
                      select new AppointmentDto(a.Id, a.ResidentId, a.SlotId, a.SiteId, site.Name, a.ProductId, p.Name, a.DoseNumber, a.Date,
                          s.StartTime, s.EndTime, a.Status)).ToListAsync(ct);
    }

    public static string ActiveKey(long residentId, string seriesGroup, int dose) => $"{residentId}:{seriesGroup}:{dose}";

    /// <summary>Sex and age window of the product at the appointment date. The full schedule engine
    /// (intervals, dose counts by age) is the booking issue's; this is the floor every booking passes.</summary>
    public static void CheckBasicEligibility(VaccineProduct product, Resident resident, DateOnly on)
    {
        if (product.RequiredSex is { } sex && resident.Sex != sex)
            throw new DomainProblemException(ProblemKind.Conflict, "not_eligible_sex",
                new($"{product.Name}仅限{(sex == Sex.Female ? "女性" : "男性")}接种", $"{product.NameEn} is for {(sex == Sex.Female ? "women" : "men")} only"));
        var months = AgeInMonths(resident.BirthDate, on);
        if (months < product.MinAgeMonths || (product.MaxAgeMonthsExclusive is { } max && months >= max))
            throw new DomainProblemException(ProblemKind.Conflict, "not_eligible_age",
                new($"接种日年龄不在{product.Name}的适用范围内", $"On the appointment date the person's age is outside {product.NameEn}'s approved range"));
    }

    public static int AgeInMonths(DateOnly birth, DateOnly on)
    {
        var months = (on.Year - birth.Year) * 12 + on.Month - birth.Month;
        if (on.Day < birth.Day) months--;
        return months;
    }

    private static async Task<int> NextDoseNumberAsync(DbContext db, VaccineProduct product, long residentId, CancellationToken ct)
    {
        var group = product.SeriesGroup;
        var given = await db.Set<Injection>()
            .Where(i => i.ResidentId == residentId)
            .Join(db.Set<VaccineProduct>().Where(p => p.SeriesGroup == group), i => i.ProductId, p => p.Id, (i, p) => i.DoseNumber)
            .ToListAsync(ct);
        var next = given.Count == 0 ? 1 : given.Max() + 1;
        var max = product.Schedules.Count == 0 ? 1 : product.Schedules.Max(s => s.DoseCount);
        if (next > max)
            throw new DomainProblemException(ProblemKind.Conflict, "series_complete",
                new("该疫苗已完成全程接种", "This person has completed the series for this vaccine"));
        return next;
    }
}
