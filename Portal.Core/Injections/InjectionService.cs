using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Eligibility;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Core.Residents.IdDocuments;
using Portal.Core.Sites;
using Portal.Core.Statistics;
using Portal.Core.Vaccines;
using Portal.Core.Slots;

namespace Portal.Core.Injections;

/// <summary>The doctor (or site admin) recording, with the site their account is scoped to.</summary>
public sealed record Recorder(string UserId, string UserName, long SiteId, string? IpAddress)
{
    /// <summary>The recorder as the audit log names staff.</summary>
    public StaffScope Who => new(UserId, UserName, UserName, [], DataScopeKind.Site, SiteId: SiteId);
}

/// <param name="OverrideReason">The doctor's reason for giving a dose the eligibility rules refuse (audited); at most 256 characters.</param>
/// <param name="VisitId">The visit the PDA's scan or ID lookup opened (<see cref="ScanResult.VisitId"/>); not needed when
/// <paramref name="AppointmentId"/> is the resident's appointment today at this site.</param>
public sealed record RecordInjectionRequest(long? ResidentId, long? LotId, long? AppointmentId,
    [property: TextInput(Injection.BodySiteLength)] string? BodySite,
    [property: TextInput(Device.SerialNumberLength, TextKind.Code)] string? DeviceSerial,
    [property: TextInput(Injection.OverrideReasonLength, TextKind.MultiLine)] string? OverrideReason = null,
    long? VisitId = null);

/// <summary>A walk-in found by the document number the doctor reads from the ID card at the desk.</summary>
public sealed record LookupRequest(IdDocumentKind? IdKind,
    [property: TextInput(IdDocumentValidator.MaxInputLength, TextKind.Code)] string? IdNumber);

/// <param name="ResidentName">Masked: the doctor saw the full name when the visit began; the record's answer does not repeat it.</param>
public sealed record InjectionDto(long Id, long ResidentId, string ResidentName, long ProductId, string ProductName, int DoseNumber,
    string BatchNumber, DateTimeOffset InjectedAt, DateTimeOffset ObservationDueAt);

/// <param name="VisitId">Send it with the doses recorded for this resident (<see cref="RecordInjectionRequest.VisitId"/>);
/// it lasts <see cref="InjectionService.VisitLifetime"/> and never past the end of the day.</param>
public sealed record ScanResult(long ResidentId, string Name, string IdNumberMasked, Sex Sex, DateOnly BirthDate, int AgeYears,
    IReadOnlyList<AppointmentDto> TodaysAppointments, IReadOnlyList<LotOption> Lots, long VisitId, DateTimeOffset VisitExpiresAt);

public sealed record LotOption(long LotId, long ProductId, string ProductName, string BatchNumber, DateOnly ExpiryDate, int OnHand);

/// <summary>Scanning a resident's code (or reading their ID card) and recording a dose. A dose is recorded only in the
/// context of a visit the PDA opened at this site, or against the resident's appointment here today, so a doctor's
/// token cannot write doses for an arbitrary resident id; and at most one dose of a product per person per day, whatever
/// an override says. One transaction writes the injection,
/// takes the dose from stock, completes the appointment, starts the 30-minute observation, increments
/// the day's counter and audits; the live event goes out only after commit.</summary>
public sealed class InjectionService(IDbContextFactory<DbContext> contexts, QrPayloadService qr, IPersonalDataProtector protector,
    IInjectionEventSink events, TimeProvider clock)
{
    public static readonly TimeSpan ObservationPeriod = TimeSpan.FromMinutes(30);
    public const int MaxOverrideReasonLength = Injection.OverrideReasonLength;

    /// <summary>How long a scan or lookup lets the PDA record doses for the resident (never past midnight, China time).</summary>
    public static readonly TimeSpan VisitLifetime = TimeSpan.FromHours(4);

    /// <summary>Verifies the resident's QR code and opens a visit. A code whose account no longer acts for the resident
    /// (the link was removed since it was issued) is refused like an unknown one.</summary>
    public async Task<ScanResult> ScanAsync(Recorder recorder, string? payload, CancellationToken ct = default)
    {
        var claims = qr.Verify(payload);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resident = await db.Set<Resident>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == claims.ResidentId
                && db.Set<FamilyMember>().Any(m => m.AccountId == claims.AccountId && m.ResidentId == r.Id), ct)
            ?? throw ResidentNotFound();
        return await OpenVisitAsync(db, recorder, resident, VisitSource.QrScan, AuditActions.ScanQr, ct);
    }

    /// <summary>Finds a resident by document number at the desk (the ID card reader's output, or typed) and opens a visit.
    /// Every lookup is audited, found or not.</summary>
    public async Task<ScanResult> LookupAsync(Recorder recorder, LookupRequest request, CancellationToken ct = default)
    {
        if (request.IdKind is not { } kind || !Enum.IsDefined(kind))
            throw new DomainValidationException("idKind", new("请选择证件类型", "Choose the ID document type"));
        var id = IdDocumentValidator.Validate(kind, request.IdNumber, ChinaTime.Today(clock));
        if (!id.IsValid) throw new DomainValidationException("idNumber", id.Error!);
        var hash = protector.LookupHash(id.Normalized);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resident = await db.Set<Resident>().AsNoTracking().FirstOrDefaultAsync(r => r.IdKind == kind && r.IdNumberHash == hash, ct);
        if (resident is null)
        {
            db.Add(AuditService.Entry(recorder.Who, AuditActions.LookupResident, nameof(Resident), null,
                $"site {recorder.SiteId}: no resident with {Masking.MaskIdNumber(id.Normalized)}", recorder.IpAddress, clock.GetUtcNow()));
            await db.SaveChangesAsync(ct);
            throw ResidentNotFound();
        }
        return await OpenVisitAsync(db, recorder, resident, VisitSource.IdLookup, AuditActions.LookupResident, ct);
    }

    private async Task<ScanResult> OpenVisitAsync(DbContext db, Recorder recorder, Resident resident, VisitSource source, string auditAction,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DateOf(now);
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
        var endOfDay = ChinaTime.At(today.AddDays(1), TimeOnly.MinValue);
        var visit = new Visit
        {
            ResidentId = resident.Id, SiteId = recorder.SiteId, Source = source, StaffUserId = recorder.UserId, StartedAt = now,
            ExpiresAt = now + VisitLifetime < endOfDay ? now + VisitLifetime : endOfDay,
        };
        db.Add(visit);
        db.Add(AuditService.Entry(recorder.Who, auditAction, nameof(Resident), resident.Id.ToString(CultureInfo.InvariantCulture),
            $"site {recorder.SiteId}", recorder.IpAddress, now));
        await db.SaveChangesAsync(ct);
        return new ScanResult(resident.Id, resident.Name, resident.IdNumberMasked, resident.Sex, resident.BirthDate,
            BookingService.AgeInMonths(resident.BirthDate, today) / 12, appointments, lots, visit.Id, visit.ExpiresAt);
    }

    private static DomainProblemException ResidentNotFound() =>
        ResidentsErrors.ResidentNotFound.Exception();

    private static DomainProblemException VisitRequired() =>
        InjectionsErrors.VisitRequired.Exception();

    private static DomainProblemException DoseAlreadyToday() =>
        InjectionsErrors.DoseAlreadyToday.Exception();

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
        // The context comes first: without a visit or today's appointment here, nothing about the resident is read or told.
        var inVisit = request.VisitId is { } visitId && await db.Set<Visit>().AnyAsync(v => v.Id == visitId
            && v.ResidentId == request.ResidentId && v.SiteId == recorder.SiteId && v.ExpiresAt > now, ct);
        var byAppointmentToday = !inVisit && request.AppointmentId is { } appointmentToday && await db.Set<Appointment>().AnyAsync(a =>
            a.Id == appointmentToday && a.ResidentId == request.ResidentId && a.SiteId == recorder.SiteId && a.Date == today, ct);
        if (!inVisit && !byAppointmentToday)
            throw VisitRequired();
        var resident = await db.Set<Resident>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == request.ResidentId, ct)
            ?? throw ResidentNotFound();
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
        if (await db.Set<Injection>().AnyAsync(i => i.ResidentId == resident.Id && i.ProductId == product.Id && i.InjectedOn == today, ct))
            throw DoseAlreadyToday();
        var (_, eligibility) = await EligibilityService.EvaluateAsync(db, product.Id, resident, today, appointment?.DoseNumber, ct);
        if (!eligibility.IsEligible && (overrideReason is null || eligibility.BlockingReasons.Any(r => EligibilityCodes.NotOverridable.Contains(r.Code))))
            EligibilityService.EnsureEligible(eligibility);
        var overridden = !eligibility.IsEligible;
        var dose = appointment?.DoseNumber ?? eligibility.DoseNumber;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Set<LotStock>().Where(s => s.SiteId == recorder.SiteId && s.LotId == lot.Id && s.OnHand > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, x => x.OnHand - 1).SetProperty(x => x.UpdatedAt, now), ct);
        if (taken == 0)
            throw InjectionsErrors.OutOfStock.Exception();
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
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique (resident, product, day) index: another PDA recorded the same dose a moment ago.
            await tx.RollbackAsync(ct);
            throw DoseAlreadyToday();
        }
        db.Add(new Observation { InjectionId = injection.Id, StartedAt = now, DueAt = now + ObservationPeriod, Outcome = ObservationOutcome.InProgress });
        db.Add(new StockMovement { SiteId = site.Id, LotId = lot.Id, Kind = StockMovementKind.Administered, Quantity = -1, At = now, StaffUserId = recorder.UserId, InjectionId = injection.Id });
        var injectionId = injection.Id.ToString(CultureInfo.InvariantCulture);
        db.Add(AuditService.Entry(recorder.Who, AuditActions.RecordInjection, nameof(Injection), injectionId,
            $"resident {resident.Id}, {product.Code} dose {dose}, lot {lot.BatchNumber}", recorder.IpAddress, now));
        if (overridden)
            db.Add(AuditService.Entry(recorder.Who, AuditActions.EligibilityOverride, nameof(Injection), injectionId,
                $"resident {resident.Id}, {product.Code} dose {dose}; rules: {string.Join(",", eligibility.BlockingReasons.Select(r => r.Code))}; reason: {overrideReason}",
                recorder.IpAddress, now));
        await db.SaveChangesAsync(ct);
        await IncrementDailyCounterAsync(db, injection, ct);
        await tx.CommitAsync(ct);

        await events.PublishAsync(new InjectionRecorded(injection.Id, now, today, site.Id, site.DistrictCode, site.StreetCode,
            resident.EmployerId, product.ProgrammeId, product.Id, dose), ct);
        return new InjectionDto(injection.Id, resident.Id, Masking.MaskName(resident.Name), product.Id, product.Name, dose, lot.BatchNumber, now,
            now + ObservationPeriod);
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
