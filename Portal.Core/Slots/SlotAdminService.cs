using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Core.Slots;

/// <summary>Slot administration for the console. Every call is limited by the caller's <see cref="StaffScope"/>
/// (site admin: their site; district admin: their district's sites; city: all: <see cref="DataScope"/>). Slot edits are optimistic:
/// one conditional UPDATE on Id + Version, and a stale Version answers 409 <c>slot_changed</c>.</summary>
public sealed class SlotAdminService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public const int MaxRangeDays = 62;

    public async Task<IReadOnlyList<SlotSiteOption>> SitesAsync(StaffScope scope, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<Site>().WithinScope(scope).OrderBy(s => s.DistrictCode).ThenBy(s => s.Code)
            .Select(s => new SlotSiteOption(s.Id, s.Code, s.Name)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ProductOption>> ProductsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<VaccineProduct>().Where(p => p.IsActive).OrderBy(p => p.Id).Select(p => new { p.Id, p.Name, p.NameEn }).ToListAsync(ct);
        return rows.Select(p => new ProductOption(p.Id, new(p.Name, p.NameEn))).ToList();
    }

    public async Task<IReadOnlyList<AdminSlotDto>> ListAsync(StaffScope scope, long siteId, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from || to.DayNumber - from.DayNumber > MaxRangeDays)
            throw new DomainValidationException("to", new($"日期范围无效（最多{MaxRangeDays}天）", $"Invalid date range (at most {MaxRangeDays} days)"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        await EnsureSiteAsync(db, scope, siteId, ct);
        var rows = await db.Set<Slot>().AsNoTracking().Where(s => s.SiteId == siteId && s.Date >= from && s.Date <= to)
            .Join(db.Set<VaccineProduct>(), s => s.ProductId, p => p.Id, (s, p) => new { s, p.Name, p.NameEn })
            .OrderBy(x => x.s.Date).ThenBy(x => x.s.StartTime).ThenBy(x => x.s.ProductId).ToListAsync(ct);
        return rows.Select(x => ToDto(x.s, new(x.Name, x.NameEn))).ToList();
    }

    public async Task<AdminSlotDto> AddSlotAsync(StaffScope scope, NewSlotRequest request, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (request.Capacity is < 1 or > 10_000) errors.Add(new("capacity", new("容量须在1到10000之间", "Capacity must be between 1 and 10,000")));
        if (request.EndTime <= request.StartTime) errors.Add(new("endTime", new("结束时间须晚于开始时间", "The end time must be after the start time")));
        if (request.Date < ChinaTime.Today(clock)) errors.Add(new("date", new("不能添加过去日期的时段", "The date is in the past")));
        if (errors.Count > 0) throw new DomainValidationException(errors);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await EnsureSiteAsync(db, scope, request.SiteId, ct);
        var product = await RequireProductAsync(db, request.ProductId, ct);
        var slot = new Slot
        {
            SiteId = request.SiteId, ProductId = request.ProductId, Date = request.Date, StartTime = request.StartTime, EndTime = request.EndTime,
            Capacity = request.Capacity, ReleaseAt = request.ReleaseAt,
            IsClosed = await db.Set<SiteClosure>().AnyAsync(c => c.SiteId == request.SiteId && c.Date == request.Date, ct),
        };
        db.Add(slot);
        await db.SaveChangesAsync(ct);
        return ToDto(slot, product);
    }

    /// <summary>Sets a slot's capacity, never below its Booked count; a stale <paramref name="expectedVersion"/> gives 409 slot_changed.</summary>
    public async Task ResizeAsync(StaffScope scope, long slotId, int newCapacity, int expectedVersion, CancellationToken ct = default)
    {
        if (newCapacity is < 0 or > 10_000)
            throw new DomainValidationException("capacity", new("容量须在0到10000之间", "Capacity must be between 0 and 10,000"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        await RequireSlotInScopeAsync(db, scope, slotId, ct);
        var now = clock.GetUtcNow().ToUniversalTime();
        var updated = await db.Set<Slot>().Where(s => s.Id == slotId && s.Version == expectedVersion && s.Booked <= newCapacity)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Capacity, newCapacity).SetProperty(s => s.Version, s => s.Version + 1)
                .SetProperty(s => s.UpdatedAt, now), ct);
        if (updated == 1)
            return;
        // Tell the three causes apart: gone, changed by someone else, or below what is booked.
        var current = await db.Set<Slot>().AsNoTracking().Where(s => s.Id == slotId).Select(s => new { s.Version, s.Booked }).FirstOrDefaultAsync(ct)
            ?? throw SlotProblems.SlotNotFound();
        if (current.Version != expectedVersion)
            throw SlotProblems.Changed();
        throw SlotProblems.BelowBooked(current.Booked);
    }

    /// <summary>Closes (stops new bookings, keeps existing appointments) or reopens a slot.</summary>
    public async Task SetClosedAsync(StaffScope scope, long slotId, bool closed, int expectedVersion, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await RequireSlotInScopeAsync(db, scope, slotId, ct);
        var now = clock.GetUtcNow().ToUniversalTime();
        var updated = await db.Set<Slot>().Where(s => s.Id == slotId && s.Version == expectedVersion)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.IsClosed, closed).SetProperty(s => s.Version, s => s.Version + 1)
                .SetProperty(s => s.UpdatedAt, now), ct);
        if (updated != 1)
            throw await db.Set<Slot>().AnyAsync(s => s.Id == slotId, ct) ? SlotProblems.Changed() : SlotProblems.SlotNotFound();
    }

    public async Task<IReadOnlyList<ClosureDto>> ClosuresAsync(StaffScope scope, long siteId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await EnsureSiteAsync(db, scope, siteId, ct);
        var today = ChinaTime.Today(clock);
        return await db.Set<SiteClosure>().Where(c => c.SiteId == siteId && c.Date >= today.AddDays(-31)).OrderBy(c => c.Date)
            .Select(c => new ClosureDto(c.Id, c.SiteId, c.Date, c.Reason)).ToListAsync(ct);
    }

    /// <summary>Adds a closure day and closes that day's slots (their appointments are kept).</summary>
    public async Task<ClosureDto> AddClosureAsync(StaffScope scope, long siteId, DateOnly date, string? reason, CancellationToken ct = default)
    {
        reason = reason?.Trim() ?? "";
        if (reason.Length is 0 or > 128)
            throw new DomainValidationException("reason", new("请填写停诊原因（不超过128字）", "Give a reason (at most 128 characters)"));
        if (date < ChinaTime.Today(clock))
            throw new DomainValidationException("date", new("不能添加过去日期的停诊", "The date is in the past"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        await EnsureSiteAsync(db, scope, siteId, ct);
        if (await db.Set<SiteClosure>().AnyAsync(c => c.SiteId == siteId && c.Date == date, ct))
            throw new DomainValidationException("date", new("该日期已设为停诊", "That day is already closed"));
        var closure = new SiteClosure { SiteId = siteId, Date = date, Reason = reason };
        // SQL Server's retrying strategy only allows a user transaction inside the strategy.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Add(closure);
            await db.SaveChangesAsync(ct);
            await SetDayClosedAsync(db, siteId, date, true, ct);
            await tx.CommitAsync(ct);
        });
        return new ClosureDto(closure.Id, siteId, date, reason);
    }

    /// <summary>Removes a closure day and reopens that day's slots.</summary>
    public async Task RemoveClosureAsync(StaffScope scope, long closureId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var closure = await db.Set<SiteClosure>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == closureId, ct)
            ?? throw SlotsErrors.ClosureNotFound.Exception();
        await EnsureSiteAsync(db, scope, closure.SiteId, ct);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Set<SiteClosure>().Where(c => c.Id == closureId).ExecuteDeleteAsync(ct);
            await SetDayClosedAsync(db, closure.SiteId, closure.Date, false, ct);
            await tx.CommitAsync(ct);
        });
    }

    public async Task<IReadOnlyList<SlotTemplateDto>> TemplatesAsync(StaffScope scope, long siteId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await EnsureSiteAsync(db, scope, siteId, ct);
        var rows = await db.Set<SlotTemplate>().AsNoTracking().Where(t => t.SiteId == siteId)
            .Join(db.Set<VaccineProduct>(), t => t.ProductId, p => p.Id, (t, p) => new { t, p.Name, p.NameEn })
            .OrderBy(x => x.t.Day).ThenBy(x => x.t.StartTime).ToListAsync(ct);
        return rows.Select(x => ToDto(x.t, new(x.Name, x.NameEn))).ToList();
    }

    public async Task<SlotTemplateDto> SaveTemplateAsync(StaffScope scope, SlotTemplateInput input, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (input.Capacity is < 1 or > 10_000) errors.Add(new("capacity", new("容量须在1到10000之间", "Capacity must be between 1 and 10,000")));
        if (input.EndTime <= input.StartTime) errors.Add(new("endTime", new("结束时间须晚于开始时间", "The end time must be after the start time")));
        if (!Enum.IsDefined(input.Day)) errors.Add(new("day", new("星期无效", "Invalid weekday")));
        if (input.ReleaseDaysBefore is < 0 or > 60) errors.Add(new("releaseDaysBefore", new("提前开放天数须在0到60之间", "Release days before must be between 0 and 60")));
        if (errors.Count > 0) throw new DomainValidationException(errors);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await EnsureSiteAsync(db, scope, input.SiteId, ct);
        var product = await RequireProductAsync(db, input.ProductId, ct);
        SlotTemplate template;
        if (input.Id is { } id)
        {
            template = await db.Set<SlotTemplate>().FirstOrDefaultAsync(t => t.Id == id && t.SiteId == input.SiteId, ct)
                ?? throw SlotsErrors.TemplateNotFound.Exception();
        }
        else
        {
            template = new SlotTemplate { SiteId = input.SiteId };
            db.Add(template);
        }
        (template.ProductId, template.Day, template.StartTime, template.EndTime, template.Capacity) = (input.ProductId, input.Day, input.StartTime, input.EndTime, input.Capacity);
        (template.ReleaseDaysBefore, template.ReleaseTime, template.IsActive) = (input.ReleaseDaysBefore, input.ReleaseDaysBefore is null ? null : input.ReleaseTime, input.IsActive);
        await db.SaveChangesAsync(ct);
        return ToDto(template, product);
    }

    /// <summary>Deletes a template; slots already generated from it stay (edit or close them one by one).</summary>
    public async Task DeleteTemplateAsync(StaffScope scope, long templateId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var template = await db.Set<SlotTemplate>().FirstOrDefaultAsync(t => t.Id == templateId, ct)
            ?? throw SlotsErrors.TemplateNotFound.Exception();
        await EnsureSiteAsync(db, scope, template.SiteId, ct);
        db.Remove(template);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>403 site_out_of_scope for a site outside the data scope, 404 for no such site.</summary>
    internal static async Task EnsureSiteAsync(DbContext db, StaffScope scope, long siteId, CancellationToken ct)
    {
        if (await db.Set<Site>().WithinScope(scope).AnyAsync(s => s.Id == siteId, ct))
            return;
        throw await db.Set<Site>().AnyAsync(s => s.Id == siteId, ct) ? SlotProblems.OutOfScope() : SlotProblems.SiteNotFound();
    }

    private static async Task RequireSlotInScopeAsync(DbContext db, StaffScope scope, long slotId, CancellationToken ct)
    {
        var siteId = await db.Set<Slot>().Where(s => s.Id == slotId).Select(s => (long?)s.SiteId).FirstOrDefaultAsync(ct)
            ?? throw SlotProblems.SlotNotFound();
        await EnsureSiteAsync(db, scope, siteId, ct);
    }

    private static async Task<Bilingual> RequireProductAsync(DbContext db, long productId, CancellationToken ct)
    {
        var p = await db.Set<VaccineProduct>().Where(p => p.Id == productId).Select(p => new { p.Name, p.NameEn }).FirstOrDefaultAsync(ct)
            ?? throw new DomainValidationException("productId", new("疫苗产品不存在", "No such vaccine product"));
        return new(p.Name, p.NameEn);
    }

    private Task<int> SetDayClosedAsync(DbContext db, long siteId, DateOnly date, bool closed, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        return db.Set<Slot>().Where(s => s.SiteId == siteId && s.Date == date && s.IsClosed != closed)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.IsClosed, closed).SetProperty(s => s.Version, s => s.Version + 1).SetProperty(s => s.UpdatedAt, now), ct);
    }

    private static AdminSlotDto ToDto(Slot s, Bilingual product) =>
        new(s.Id, s.SiteId, s.ProductId, product, s.Date, s.StartTime, s.EndTime, s.Capacity, s.Booked, s.ReleaseAt, s.IsClosed, s.Version, s.TemplateId);

    private static SlotTemplateDto ToDto(SlotTemplate t, Bilingual product) =>
        new(t.Id, t.SiteId, t.ProductId, product, t.Day, t.StartTime, t.EndTime, t.Capacity, t.ReleaseDaysBefore, t.ReleaseTime, t.IsActive);
}
