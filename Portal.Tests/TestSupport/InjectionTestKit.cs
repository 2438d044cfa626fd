using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Employers;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Injections.Queries;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Tests.TestSupport;

/// <summary>The injections list's data on a <see cref="TestDatabase"/> of its own: two districts, two sites, two
/// residents (one working for an employer), three injections, one real doctor account, a real protector with test
/// keys and a fake clock. Shared by the query, export and component tests.</summary>
internal sealed class InjectionTestKit
{
    public const string Xuhui = "310104";
    public const string Changning = "310105";
    public const string ZhangIdNumber = "310104199003081234";
    public const string ZhangPhone = "13812345678";
    public const string LiIdNumber = "310105198505052345";
    public const string LiPhone = "13987654321";
    public const string DoctorUserId = "doctor-wang";
    public const string SiteAName = "徐汇测试社区卫生服务中心预防接种门诊";
    public static readonly DateTimeOffset Now = new(2025, 3, 8, 1, 30, 0, TimeSpan.Zero);

    public static readonly StaffScope CityAdmin = new("city-1", "city.admin", "市疾控", [Roles.CityAdmin], DataScopeKind.City);
    public static readonly StaffScope XuhuiAdmin = new("district-1", "xuhui.admin", "徐汇区管理员", [Roles.DistrictAdmin], DataScopeKind.District, Xuhui);

    private InjectionTestKit(TestDatabase db, Seeded seeded)
    {
        Db = db;
        Protector = seeded.Protector;
        Clock = new FakeTimeProvider(Now);
        Service = new InjectionQueryService(db, Protector, Clock);
        (SiteA, SiteB, Product, Zhang, Li, EmployerId, XuhuiRecent, XuhuiOld, ChangningRecent) =
            (seeded.SiteA, seeded.SiteB, seeded.Product, seeded.Zhang, seeded.Li, seeded.EmployerId, seeded.XuhuiRecent, seeded.XuhuiOld, seeded.ChangningRecent);
    }

    /// <summary>This test's copy of the seeded database.</summary>
    public TestDatabase Db { get; }
    public IPersonalDataProtector Protector { get; }
    public FakeTimeProvider Clock { get; }
    public InjectionQueryService Service { get; }
    public Site SiteA { get; }
    public Site SiteB { get; }
    public VaccineProduct Product { get; }
    public Resident Zhang { get; }
    public Resident Li { get; }
    public long EmployerId { get; }
    public long XuhuiRecent { get; }
    public long XuhuiOld { get; }
    public long ChangningRecent { get; }

    public StaffScope DoctorAtSiteA => new(DoctorUserId, "doctor.wang", "王医生", [Roles.Doctor], DataScopeKind.Site, SiteId: SiteA.Id);
    public StaffScope EmployerAdmin => new("employer-1", "hr.admin", "单位管理员", [Roles.EmployerAdmin], DataScopeKind.Employer, EmployerId: EmployerId);

    /// <summary>A fresh copy of the seeded database for one test (seeded once per process).</summary>
    public static async Task<InjectionTestKit> CreateAsync()
    {
        var (db, seeded) = await TestDatabase.SqliteAsync("injections", SeedAsync);
        return new InjectionTestKit(db, seeded);
    }

    private static PersonalDataProtector NewProtector() => new(new PersonalDataOptions
    {
        ActiveKeyVersion = 1,
        Keys = { [1] = PersonalDataOptions.NewKey() },
        HashKey = PersonalDataOptions.NewKey(),
    });

    public async Task<int> CountAuditAsync()
    {
        await using var db = Db.CreateDbContext();
        return await db.AuditEntries.CountAsync();
    }

    // What the template's seeding made, shared by every copy.
    private sealed record Seeded(IPersonalDataProtector Protector, Site SiteA, Site SiteB, VaccineProduct Product, Resident Zhang, Resident Li,
        long EmployerId, long XuhuiRecent, long XuhuiOld, long ChangningRecent);

    private static async Task<Seeded> SeedAsync(TestDatabase database)
    {
        var protector = NewProtector();
        await using var db = database.CreateDbContext();

        var xuhuiStreet = await db.Streets.Where(s => s.DistrictCode == Xuhui).OrderBy(s => s.Code).FirstAsync();
        var changningStreet = await db.Streets.Where(s => s.DistrictCode == Changning).OrderBy(s => s.Code).FirstAsync();
        var product = await db.Products.OrderBy(p => p.Id).FirstAsync();

        var siteA = new Site { Code = "T-A", Name = SiteAName, Kind = SiteKind.Clinic, DistrictCode = Xuhui, StreetCode = xuhuiStreet.Code, Address = "徐汇测试路1号" };
        var siteB = new Site { Code = "T-B", Name = "长宁测试社区卫生服务中心预防接种门诊", Kind = SiteKind.Clinic, DistrictCode = Changning, StreetCode = changningStreet.Code, Address = "长宁测试路2号" };
        var employer = new Employer { Name = "上海测试科技有限公司", CreditCode = "91310000TEST000001", DistrictCode = Xuhui, Address = "徐汇测试路3号", ContactName = "联系人" };
        var lot = new VaccineLot { ProductId = product.Id, BatchNumber = "TEST-LOT-01", ExpiryDate = new DateOnly(2026, 12, 31), TraceabilityCode = "8000001", BatchReleaseCertificate = "SJ-TEST" };
        db.AddRange(siteA, siteB, employer, lot);
        db.Users.Add(new StaffUser
        {
            Id = DoctorUserId, UserName = "doctor.wang", NormalizedUserName = "DOCTOR.WANG", DisplayName = "王医生",
            ScopeKind = DataScopeKind.Site, SecurityStamp = Guid.NewGuid().ToString(),
        });
        await db.SaveChangesAsync();

        var zhang = NewResident(protector, "张三丰", ZhangIdNumber, ZhangPhone, Sex.Male, new DateOnly(1990, 3, 8), xuhuiStreet.DistrictCode, xuhuiStreet.Code, employer.Id);
        var li = NewResident(protector, "李四", LiIdNumber, LiPhone, Sex.Female, new DateOnly(1985, 5, 5), changningStreet.DistrictCode, changningStreet.Code, null);
        db.Residents.AddRange(zhang, li);
        await db.SaveChangesAsync();

        // 2025-03-07 10:15 China; 2025-03-06 09:00 China; 2025-03-07 00:30 China is 2025-03-06 16:30 UTC (an old
        // dose 2 in February keeps the date filter honest).
        var recentA = NewInjection(product, zhang, siteA, lot, 1, ChinaTime.At(new DateOnly(2025, 3, 7), new TimeOnly(10, 15)), DoctorUserId);
        var recentB = NewInjection(product, li, siteB, lot, 1, ChinaTime.At(new DateOnly(2025, 3, 6), new TimeOnly(9, 0)), "demo-doctor-9");
        var oldA = NewInjection(product, zhang, siteA, lot, 2, ChinaTime.At(new DateOnly(2025, 2, 1), new TimeOnly(0, 30)), DoctorUserId);
        db.Injections.AddRange(recentA, recentB, oldA);
        await db.SaveChangesAsync();
        return new Seeded(protector, siteA, siteB, product, zhang, li, employer.Id, recentA.Id, oldA.Id, recentB.Id);
    }

    private static Resident NewResident(IPersonalDataProtector protector, string name, string id, string phone, Sex sex, DateOnly birth,
        string district, string street, long? employerId) => new()
    {
        Name = name, IdKind = IdDocumentKind.ResidentIdCard, Sex = sex, BirthDate = birth, Residency = ResidencyKind.Household,
        IdNumberCipher = protector.Protect(id), IdNumberHash = protector.LookupHash(id), IdNumberMasked = Masking.MaskIdNumber(id),
        PhoneCipher = protector.Protect(phone), PhoneHash = protector.LookupHash(phone), PhoneMasked = Masking.MaskPhone(phone),
        DistrictCode = district, StreetCode = street, EmployerId = employerId,
    };

    private static Injection NewInjection(VaccineProduct product, Resident resident, Site site, VaccineLot lot, int dose, DateTimeOffset at, string doctor) => new()
    {
        ResidentId = resident.Id, ProductId = product.Id, ProgrammeId = product.ProgrammeId, LotId = lot.Id, DoseNumber = dose,
        SiteId = site.Id, DoctorUserId = doctor, InjectedAt = at, InjectedOn = ChinaTime.DateOf(at), BodySite = "左上臂三角肌",
        DistrictCode = site.DistrictCode, StreetCode = site.StreetCode, EmployerId = resident.EmployerId, CreatedAt = at,
    };
}
