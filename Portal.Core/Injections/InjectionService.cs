using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Eligibility;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Statistics;
using Portal.Core.Vaccines;

namespace Portal.Core.Injections;

/// <summary>The doctor (or site admin) recording, with the site their account is scoped to.</summary>
public sealed record Recorder(string UserId, string UserName, long SiteId, string? IpAddress);

/// <param name="OverrideReason">The doctor's reason for giving a dose the eligibility rules refuse (audited); at most 256 characters.</param>
public sealed record RecordInjectionRequest(long? ResidentId, long? LotId, long? AppointmentId, string? BodySite, string? DeviceSerial,
    string? OverrideReason = null);

public sealed record InjectionDto(long Id, long ResidentId, string ResidentName, long ProductId, string ProductName, int DoseNumber,
    string BatchNumber, DateTimeOffset InjectedAt, DateTimeOffset ObservationDueAt);

public sealed record ScanResult(long ResidentId, string Name, string IdNumberMasked, Sex Sex, DateOnly BirthDate, int AgeYears,
    IReadOnlyList<AppointmentDto> TodaysAppointments, IReadOnlyList<LotOption> Lots);

public sealed record LotOption(long LotId, long ProductId, string ProductName, string BatchNumber, DateOnly ExpiryDate, int OnHand);

/// <summary>Scanning a resident's code and recording a dose. One transaction writes the injection,
/// takes the dose from stock, completes the appointment, starts the 30-minute observation, increments
/// the day's counter and audits; the live event goes out only after commit.</summary>
public sealed class InjectionService(IDbContextFactory<DbContext> contexts, QrPayloadService qr, IInjectionEventSink events, TimeProvider clock)
{
    public static readonly TimeSpan ObservationPeriod = TimeSpan.FromMinutes(30);
    public const int MaxOverrideReasonLength = 256;

    public async Task<ScanResult> ScanAsync(Recorder recorder, string? payload, CancellationToken ct = default)
    {
        var claims = qr.Verify(payload);
        var today = ChinaTime.Today(clock);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resident = await db.Set<Resident>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == claims.ResidentId, ct)
            ?? throw new DomainProblemException(ProblemKind.NotFound, "resident_not_found", new("未找到受种者", "No such resident"));
        var appointments = await (from a in db.Set<Appointment>().AsNoTracking()
                                  where a.ResidentId == resident.Id && a.SiteId == recorder.SiteId && a.Date == today && a.Status == AppointmentStatus.Booked
                                  join s in db.Set<Slot>() on a.SlotId equals s.Id
                                  join site in db.Set<Site>() on a.SiteId equals site.Id
                                  join p in db.Set<VaccineProduct>() on a.ProductId equals p.Id
                                  select new AppointmentDto(a.Id, a.ResidentId, a.SlotId, a.SiteId, site.Name, a.ProductId, p.Name, a.DoseNumber, a.Date,
                                      s.StartTime, s.EndTime, a.Status)).ToListAsync(ct);
        var productIds = appointments.Select(a => a.ProductId).ToList();
        var lots = await (from st in db.Set<LotStock>().AsNoTracking()
                          where st.SiteId == recorder.SiteId && st.OnHand > 0
                          join l in db.Set<VaccineLot>() on st.LotId equals l.Id
                          where l.ExpiryDate >= today && (productIds.Count == 0 || productIds.Contains(l.ProductId))
                          join p in db.Set<VaccineProduct>() on l.ProductId equals p.Id
                          orderby l.ExpiryDate
                          select new LotOption(l.Id, p.Id, p.Name, l.BatchNumber, l.ExpiryDate, st.OnHand)).ToListAsync(ct);
        db.Add(new AuditEntry
        {
            At = clock.GetUtcNow(), UserId = recorder.UserId, UserName = recorder.UserName, Action = AuditActions.ScanQr,
            EntityType = nameof(Resident), EntityId = resident.Id.ToString(), Detail = $"site {recorder.SiteId}", IpAddress = recorder.IpAddress,
        });
        await db.SaveChangesAsync(ct);
        return new ScanResult(resident.Id, resident.Name, resident.IdNumberMasked, resident.Sex, resident.BirthDate,
            BookingService.AgeInMonths(resident.BirthDate, today) / 12, appointments, lots);
    }

    public async Task<InjectionDto> RecordAsync(Recorder recorder, RecordInjectionRequest request, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (request.ResidentId is not > 0) errors.Add(new("residentId", new("缺少受种者", "residentId is required")));
        if (request.LotId is not > 0) errors.Add(new("lotId", new("请选择疫苗批号", "Choose the vaccine lot")));
        if (request.BodySite is { Length: > 32 }) errors.Add(new("bodySite", new("接种部位过长", "bodySite is too long")));
        var overrideReason = string.IsNullOrWhiteSpace(request.OverrideReason) ? null : request.OverrideReason.Trim();
        if (overrideReason is { Length: > MaxOverrideReasonLength })
            errors.Add(new("overrideReason", new($"破例接种理由不能超过{MaxOverrideReasonLength}字", $"overrideReason may not exceed {MaxOverrideReasonLength} characters")));
        if (errors.Count > 0) throw new DomainValidationException(errors);

        var now = clock.GetUtcNow();
        var today = ChinaTime.DateOf(now);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resident = await db.Set<Resident>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == request.ResidentId, ct)
            ?? throw new DomainProblemException(ProblemKind.NotFound, "resident_not_found", new("未找到受种者", "No such resident"));
        var lot = await db.Set<VaccineLot>().AsNoTracking().Include(l => l.Product).ThenInclude(p => p!.Schedules)
            .FirstOrDefaultAsync(l => l.Id == request.LotId, ct)
            ?? throw new DomainValidationException("lotId", new("疫苗批号不存在", "No such lot"));
        if (lot.ExpiryDate < today)
            throw new DomainValidationException("lotId", new("该批号疫苗已过有效期", "This lot has expired"));
        var product = lot.Product!;
        var site = await db.Set<Site>().AsNoTracking().FirstAsync(s => s.Id == recorder.SiteId, ct);

        Appointment? appointment = null;
        if (request.AppointmentId is { } appointmentId)
        {
            appointment = await db.Set<Appointment>().FirstOrDefaultAsync(a => a.Id == appointmentId && a.ResidentId == resident.Id, ct)
                ?? throw new DomainValidationException("appointmentId", new("预约不存在", "No such appointment for this person"));
            if (appointment.Status != AppointmentStatus.Booked || appointment.SiteId != recorder.SiteId || appointment.ProductId != product.Id)
                throw new DomainValidationException("appointmentId", new("预约与本次接种不符（状态、接种点或疫苗）", "The appointment does not match (status, site or vaccine)"));
        }
        // Checked again at injection (the rules or the history may have changed since booking); a doctor may override with a reason.
        var (_, eligibility) = await EligibilityService.EvaluateAsync(db, product.Id, resident, today, appointment?.DoseNumber, ct);
        if (!eligibility.IsEligible && overrideReason is null)
            EligibilityService.EnsureEligible(eligibility);
        var overridden = !eligibility.IsEligible;
        var dose = appointment?.DoseNumber ?? eligibility.DoseNumber;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Set<LotStock>().Where(s => s.SiteId == recorder.SiteId && s.LotId == lot.Id && s.OnHand > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, x => x.OnHand - 1).SetProperty(x => x.UpdatedAt, now), ct);
        if (taken == 0)
            throw new DomainProblemException(ProblemKind.Conflict, "out_of_stock", new("本接种点该批号库存不足", "This site has no stock of that lot"));
        long? deviceId = request.DeviceSerial is { Length: > 0 } serial
            ? await db.Set<Device>().Where(d => d.SerialNumber == serial && d.SiteId == recorder.SiteId).Select(d => (long?)d.Id).FirstOrDefaultAsync(ct)
            : null;
        var injection = new Injection
        {
            ResidentId = resident.Id, ProductId = product.Id, ProgrammeId = product.ProgrammeId, LotId = lot.Id, DoseNumber = dose, SiteId = site.Id,
            DoctorUserId = recorder.UserId, DeviceId = deviceId, InjectedAt = now, InjectedOn = today, AppointmentId = appointment?.Id,
            BodySite = request.BodySite ?? "左上臂三角肌", DistrictCode = site.DistrictCode, StreetCode = site.StreetCode, EmployerId = resident.EmployerId,
            EligibilityOverrideReason = overridden ? overrideReason : null,
        };
        db.Add(injection);
        if (appointment is not null)
        {
            appointment.Status = AppointmentStatus.Completed;
            appointment.ActiveKey = null;
        }
        await db.SaveChangesAsync(ct);
        db.Add(new Observation { InjectionId = injection.Id, StartedAt = now, DueAt = now + ObservationPeriod, Outcome = ObservationOutcome.InProgress });
        db.Add(new StockMovement { SiteId = site.Id, LotId = lot.Id, Kind = StockMovementKind.Administered, Quantity = -1, At = now, StaffUserId = recorder.UserId, InjectionId = injection.Id });
        db.Add(new AuditEntry
        {
            At = now, UserId = recorder.UserId, UserName = recorder.UserName, Action = AuditActions.RecordInjection, EntityType = nameof(Injection),
            EntityId = injection.Id.ToString(), Detail = $"resident {resident.Id}, {product.Code} dose {dose}, lot {lot.BatchNumber}", IpAddress = recorder.IpAddress,
        });
        if (overridden)
            db.Add(new AuditEntry
            {
                At = now, UserId = recorder.UserId, UserName = recorder.UserName, Action = AuditActions.EligibilityOverride, EntityType = nameof(Injection),
                EntityId = injection.Id.ToString(), IpAddress = recorder.IpAddress,
                Detail = $"resident {resident.Id}, {product.Code} dose {dose}; rules: {string.Join(",", eligibility.BlockingReasons.Select(r => r.Code))}; reason: {overrideReason}",
            });
        await db.SaveChangesAsync(ct);
        await IncrementDailyCounterAsync(db, injection, ct);
        await tx.CommitAsync(ct);

        await events.PublishAsync(new InjectionRecorded(injection.Id, now, today, site.Id, site.DistrictCode, site.StreetCode,
            resident.EmployerId, product.ProgrammeId, product.Id, dose), ct);
        return new InjectionDto(injection.Id, resident.Id, resident.Name, product.Id, product.Name, dose, lot.BatchNumber, now, now + ObservationPeriod);
    }

    /// <summary>UPDATE the day's counter row, or INSERT it when this is the first dose of its kind today.
    /// Runs inside the caller's transaction, so the counter and the injection commit together.</summary>
    private static async Task IncrementDailyCounterAsync(DbContext db, Injection i, CancellationToken ct)
    {
        var employer = i.EmployerId ?? 0;
        var stats = db.Set<DailyInjectionStat>();
        var updated = await stats.Where(s => s.Date == i.InjectedOn && s.SiteId == i.SiteId && s.ProductId == i.ProductId
                && s.DoseNumber == i.DoseNumber && s.StreetCode == i.StreetCode && s.EmployerId == employer)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Count, x => x.Count + 1), ct);
        if (updated > 0) return;
        stats.Add(new DailyInjectionStat
        {
            Date = i.InjectedOn, DistrictCode = i.DistrictCode, StreetCode = i.StreetCode, SiteId = i.SiteId, EmployerId = employer,
            ProgrammeId = i.ProgrammeId, ProductId = i.ProductId, DoseNumber = i.DoseNumber, Count = 1,
        });
        await db.SaveChangesAsync(ct);
    }
}
