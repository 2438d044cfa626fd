using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Archives;
using Portal.Core.Areas;
using Portal.Core.Auditing;
using Portal.Core.Booking;
using Portal.Core.Consents;
using Portal.Core.Content;
using Portal.Core.Employers;
using Portal.Core.Feedback;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Messaging;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Statistics;
using Portal.Core.Vaccines;
using Portal.Core.Slots;
using Portal.Core.Waitlist;

namespace Portal.Data;

/// <summary>The one model of BlazorVax. Each provider has a derived context only so that it can
/// carry its own migrations (see docs/decisions/0002); services depend on this type.</summary>
public abstract class PortalDbContext(DbContextOptions options)
    : IdentityDbContext<StaffUser>(options), IDataProtectionKeyContext
{
    public DbSet<District> Districts => Set<District>();
    public DbSet<Street> Streets => Set<Street>();
    public DbSet<Employer> Employers => Set<Employer>();
    public DbSet<Site> Sites => Set<Site>();
    public DbSet<OpeningHours> OpeningHours => Set<OpeningHours>();
    public DbSet<SiteClosure> SiteClosures => Set<SiteClosure>();
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<VaccineProgramme> Programmes => Set<VaccineProgramme>();
    public DbSet<VaccineProduct> Products => Set<VaccineProduct>();
    public DbSet<DoseSchedule> DoseSchedules => Set<DoseSchedule>();
    public DbSet<DoseRule> DoseRules => Set<DoseRule>();
    public DbSet<ChildScheduleEntry> ChildSchedule => Set<ChildScheduleEntry>();
    public DbSet<VaccineLot> Lots => Set<VaccineLot>();
    public DbSet<LotStock> LotStocks => Set<LotStock>();
    public DbSet<StockMovement> StockMovements => Set<StockMovement>();
    public DbSet<Resident> Residents => Set<Resident>();
    public DbSet<ResidentAccount> ResidentAccounts => Set<ResidentAccount>();
    public DbSet<FamilyMember> FamilyMembers => Set<FamilyMember>();
    public DbSet<ResidentLinkRequest> ResidentLinkRequests => Set<ResidentLinkRequest>();
    public DbSet<VaccinationArchive> Archives => Set<VaccinationArchive>();
    public DbSet<ArchiveRequest> ArchiveRequests => Set<ArchiveRequest>();
    public DbSet<Slot> Slots => Set<Slot>();
    public DbSet<SlotTemplate> SlotTemplates => Set<SlotTemplate>();
    public DbSet<Appointment> Appointments => Set<Appointment>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Portal.Core.Jobs.JobRun> JobRuns => Set<Portal.Core.Jobs.JobRun>();
    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();
    public DbSet<WaitlistCampaign> WaitlistCampaigns => Set<WaitlistCampaign>();
    public DbSet<WaitlistOffer> WaitlistOffers => Set<WaitlistOffer>();
    public DbSet<WaitlistEvent> WaitlistEvents => Set<WaitlistEvent>();
    public DbSet<Injection> Injections => Set<Injection>();
    public DbSet<Visit> Visits => Set<Visit>();
    public DbSet<Observation> Observations => Set<Observation>();
    public DbSet<Questionnaire> Questionnaires => Set<Questionnaire>();
    public DbSet<QuestionnaireResponse> QuestionnaireResponses => Set<QuestionnaireResponse>();
    public DbSet<Announcement> Announcements => Set<Announcement>();
    public DbSet<KnowledgeArticle> KnowledgeArticles => Set<KnowledgeArticle>();
    public DbSet<FeedbackItem> Feedback => Set<FeedbackItem>();
    public DbSet<SmsOutboxMessage> SmsOutbox => Set<SmsOutboxMessage>();
    public DbSet<SmsVerificationCode> SmsCodes => Set<SmsVerificationCode>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<SignInAttempt> SignInAttempts => Set<SignInAttempt>();
    public DbSet<StaffSession> StaffSessions => Set<StaffSession>();
    public DbSet<SecuritySettings> SecuritySettings => Set<SecuritySettings>();
    public DbSet<DailyInjectionStat> DailyInjectionStats => Set<DailyInjectionStat>();
    public DbSet<VaccinationTarget> Targets => Set<VaccinationTarget>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
