using System.Security.Claims;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Employers;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Injections.Queries;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;
using Portal.Data;
using Portal.Data.Seed;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

public class InjectionQueryServiceTests : IAsyncLifetime
{
    private InjectionTestDatabase data = default!;

    public async Task InitializeAsync() => data = await InjectionTestDatabase.CreateAsync("injection-queries");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task City_user_sees_every_row_newest_first_with_masked_numbers()
    {
        var page = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter());

        Assert.Equal(3, page.TotalCount);
        Assert.Equal([data.XuhuiRecent, data.ChangningRecent, data.XuhuiOld], page.Items.Select(r => r.Id));
        var row = page.Items[0];
        Assert.Equal(new DateTimeOffset(2025, 3, 7, 10, 15, 0, TimeSpan.FromHours(8)), row.InjectedAt);
        Assert.Equal(TimeSpan.FromHours(8), row.InjectedAt.Offset);
        Assert.Equal("310104********1234", row.IdNumberMasked);
        Assert.Equal("138****5678", row.PhoneMasked);
        Assert.Equal("张三丰", row.ResidentName); // a city administrator may reveal, so the name is not masked on screen
        Assert.Equal(Sex.Male, row.Sex);
        Assert.Equal(34, row.Age); // born 1990-03-08, injected the day before the 35th birthday
        Assert.Equal("王医生", row.DoctorName);
        Assert.Equal("徐汇区", row.DistrictName);
        Assert.Equal(InjectionTestDatabase.SiteAName, row.SiteName);
        Assert.Equal("TEST-LOT-01", row.BatchNumber);
        Assert.Contains(data.Product.Brand, row.Vaccine.Zh);
        Assert.Contains(data.Product.BrandEn, row.Vaccine.En);
        Assert.DoesNotContain(page.Items, r => r.IdNumberMasked.Contains(InjectionTestDatabase.ZhangIdNumber) || r.IdNumberMasked.Contains(InjectionTestDatabase.LiIdNumber));
    }

    [Fact]
    public async Task Unknown_doctor_ids_show_a_dash()
    {
        var page = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter());

        Assert.Equal(InjectionRow.UnknownDoctor, page.Items.Single(r => r.Id == data.ChangningRecent).DoctorName);
    }

    [Fact]
    public async Task District_user_sees_only_their_district_with_masked_names()
    {
        var page = await data.Service.SearchAsync(InjectionTestDatabase.XuhuiAdmin, new InjectionFilter());

        Assert.Equal(2, page.TotalCount);
        Assert.All(page.Items, r => Assert.Equal("徐汇区", r.DistrictName));
        Assert.All(page.Items, r => Assert.Equal("张*丰", r.ResidentName));
    }

    [Fact]
    public async Task District_filter_cannot_widen_a_district_scope()
    {
        var page = await data.Service.SearchAsync(InjectionTestDatabase.XuhuiAdmin, new InjectionFilter { DistrictCode = InjectionTestDatabase.Changning });

        Assert.Equal(0, page.TotalCount);
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task Site_user_sees_only_their_site()
    {
        var page = await data.Service.SearchAsync(data.DoctorAtSiteA, new InjectionFilter());

        Assert.Equal([data.XuhuiRecent, data.XuhuiOld], page.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task Employer_user_sees_only_their_employees()
    {
        var page = await data.Service.SearchAsync(data.EmployerAdmin, new InjectionFilter());

        Assert.Equal(2, page.TotalCount);
        Assert.All(page.Items, r => Assert.Equal("310104********1234", r.IdNumberMasked));
    }

    [Fact]
    public async Task A_principal_without_scope_claims_sees_nothing()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "nobody"), new Claim(ClaimTypes.Role, Roles.CityAdmin)], "test"));
        var scope = StaffScope.From(principal);

        Assert.False(scope.IsValid);
        Assert.Equal(0, (await data.Service.SearchAsync(scope, new InjectionFilter())).TotalCount);
        Assert.Equal(0, await data.Service.CountAsync(scope, new InjectionFilter()));
    }

    [Fact]
    public async Task Filters_by_china_date_range_name_and_dose()
    {
        var march = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter { From = new DateOnly(2025, 3, 1), To = new DateOnly(2025, 3, 6) });
        Assert.Equal([data.ChangningRecent], march.Items.Select(r => r.Id));

        var byName = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter { Text = " 三丰 " });
        Assert.Equal([data.XuhuiRecent, data.XuhuiOld], byName.Items.Select(r => r.Id));

        var secondDoses = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter { DoseNumber = 2 });
        Assert.Equal([data.XuhuiOld], secondDoses.Items.Select(r => r.Id));

        var bySite = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter { SiteId = data.SiteB.Id, ProductId = data.Product.Id });
        Assert.Equal([data.ChangningRecent], bySite.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task The_china_date_decides_the_day_not_the_utc_date()
    {
        // 2025-03-07 00:30 in Shanghai is still 2025-03-06 in UTC.
        var page = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter { From = new DateOnly(2025, 3, 7), To = new DateOnly(2025, 3, 7) });

        Assert.Equal([data.XuhuiRecent], page.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task Pages_and_sorts_by_time()
    {
        var second = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter { Page = 2, PageSize = 1 });
        Assert.Equal(3, second.TotalCount);
        Assert.Equal(3, second.PageCount);
        Assert.Equal([data.ChangningRecent], second.Items.Select(r => r.Id));

        var oldest = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter { Sort = InjectionSort.OldestFirst });
        Assert.Equal([data.XuhuiOld, data.ChangningRecent, data.XuhuiRecent], oldest.Items.Select(r => r.Id));

        var huge = await data.Service.SearchAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter { PageSize = 10_000, Page = -5 });
        Assert.Equal(InjectionFilter.MaxPageSize, huge.PageSize);
        Assert.Equal(1, huge.Page);
    }

    [Fact]
    public async Task Reveal_is_denied_to_a_district_admin_and_nothing_is_audited()
    {
        Assert.DoesNotContain(Roles.DistrictAdmin, Roles.MayRevealPersonalData);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => data.Service.RevealAsync(InjectionTestDatabase.XuhuiAdmin, data.XuhuiRecent));

        Assert.Equal(0, await data.CountAuditAsync());
    }

    [Fact]
    public async Task Reveal_by_a_doctor_decrypts_and_writes_an_audit_entry()
    {
        var revealed = await data.Service.RevealAsync(data.DoctorAtSiteA, data.XuhuiRecent, "10.1.2.3");

        Assert.Equal(InjectionTestDatabase.ZhangIdNumber, revealed.IdNumber);
        Assert.Equal(InjectionTestDatabase.ZhangPhone, revealed.Phone);
        Assert.Equal("张三丰", revealed.Name);
        Assert.Equal(InjectionTestDatabase.Now, revealed.RevealedAt);

        await using var db = data.CreateDbContext();
        var entry = await db.AuditEntries.SingleAsync();
        Assert.Equal(AuditActions.RevealPersonalData, entry.Action);
        Assert.Equal("Resident", entry.EntityType);
        Assert.Equal(data.Zhang.Id.ToString(), entry.EntityId);
        Assert.Equal(InjectionTestDatabase.DoctorUserId, entry.UserId);
        Assert.Equal("doctor.wang", entry.UserName);
        Assert.Equal("10.1.2.3", entry.IpAddress);
        Assert.Equal(InjectionTestDatabase.Now, entry.At);
        Assert.Contains(data.XuhuiRecent.ToString(), entry.Detail);
        Assert.DoesNotContain(InjectionTestDatabase.ZhangIdNumber, entry.Detail);
    }

    [Fact]
    public async Task Reveal_outside_the_doctors_site_is_denied()
    {
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => data.Service.RevealAsync(data.DoctorAtSiteA, data.ChangningRecent));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => data.Service.RevealAsync(data.DoctorAtSiteA, 987_654));

        Assert.Equal(0, await data.CountAuditAsync());
    }

    [Fact]
    public async Task Stream_returns_every_matching_row_and_refuses_more_than_the_limit()
    {
        var rows = new List<InjectionRow>();
        await foreach (var row in data.Service.StreamAsync(InjectionTestDatabase.XuhuiAdmin, new InjectionFilter { PageSize = 1 }))
            rows.Add(row);
        Assert.Equal([data.XuhuiRecent, data.XuhuiOld], rows.Select(r => r.Id));

        var limited = new InjectionQueryService(data, data.Protector, data.Clock) { ExportRowLimit = 2 };
        var error = await Assert.ThrowsAsync<ExportLimitExceededException>(async () =>
        {
            await foreach (var _ in limited.StreamAsync(InjectionTestDatabase.CityAdmin, new InjectionFilter()))
            {
            }
        });
        Assert.Equal(3, error.RowCount);
        Assert.Contains("超过单次上限", error.UserMessage.Zh);
    }

    [Fact]
    public async Task District_list_follows_the_scope()
    {
        Assert.Equal(16, (await data.Service.ListDistrictsAsync(InjectionTestDatabase.CityAdmin)).Count);
        Assert.Equal([InjectionTestDatabase.Xuhui], (await data.Service.ListDistrictsAsync(InjectionTestDatabase.XuhuiAdmin)).Select(d => d.Code));
        Assert.Empty(await data.Service.ListDistrictsAsync(data.DoctorAtSiteA));
    }

    [Fact]
    public void Scope_claims_round_trip_through_the_principal()
    {
        var user = new StaffUser { Id = "u1", UserName = "li.district", DisplayName = "李主任", ScopeKind = DataScopeKind.District, ScopeDistrictCode = "310104" };
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.UserName), new Claim(ClaimTypes.Role, Roles.DistrictAdmin), .. StaffScope.ClaimsFor(user)],
            "Identity.Application");

        var scope = StaffScope.From(new ClaimsPrincipal(identity));

        Assert.Equal(("u1", "li.district", "李主任"), (scope.UserId, scope.UserName, scope.DisplayName));
        Assert.Equal([Roles.DistrictAdmin], scope.Roles);
        Assert.Equal((DataScopeKind.District, "310104", null, null), (scope.Kind, scope.DistrictCode, scope.SiteId, scope.EmployerId));
        Assert.True(scope.IsValid);
        Assert.False(scope.MayRevealPersonalData);
        Assert.Equal("scope_kind", StaffClaimTypes.ScopeKind);
        Assert.Equal("District", identity.FindFirst(StaffClaimTypes.ScopeKind)?.Value);
    }

    [Fact]
    public void Site_and_employer_scopes_need_their_ids()
    {
        var site = StaffScope.From(Principal(Roles.Doctor, (StaffClaimTypes.ScopeKind, "Site"), (StaffClaimTypes.ScopeSite, "42")));
        Assert.Equal(42, site.SiteId);
        Assert.True(site.IsValid);
        Assert.True(site.MayRevealPersonalData);

        Assert.False(StaffScope.From(Principal(Roles.Doctor, (StaffClaimTypes.ScopeKind, "Site"), (StaffClaimTypes.ScopeSite, "x42"))).IsValid);
        Assert.False(StaffScope.From(Principal(Roles.EmployerAdmin, (StaffClaimTypes.ScopeKind, "Employer"))).IsValid);
        Assert.False(StaffScope.From(Principal(Roles.CityAdmin, (StaffClaimTypes.ScopeKind, "7"))).IsValid);
    }

    [Theory]
    [InlineData("1990-03-08", "2025-03-07", 34)]
    [InlineData("1990-03-08", "2025-03-08", 35)]
    [InlineData("2025-01-10", "2025-03-07", 0)]
    [InlineData("2024-02-29", "2025-03-01", 1)]
    public void Age_is_whole_years_on_the_day(string birth, string day, int age)
    {
        Assert.Equal(age, InjectionQueryService.AgeOn(DateOnly.Parse(birth), DateOnly.Parse(day)));
    }

    private static ClaimsPrincipal Principal(string role, params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Role, role), .. claims.Select(c => new Claim(c.Type, c.Value))], "test"));
}

/// <summary>A seeded SQLite file for the injections list: two districts, two sites, two residents (one working
/// for an employer), three injections, one real doctor account, a real protector with test keys and a fake
/// clock. Shared by the query, export and component tests.</summary>
internal sealed class InjectionTestDatabase : IDbContextFactory<PortalDbContext>, IDbContextFactory<DbContext>
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

    // Migrating and seeding the reference data takes about a second: it is done once, and every test
    // gets its own copy of the file.
    private static readonly Lazy<Task<InjectionTestDatabase>> Template = new(async () =>
    {
        var template = new InjectionTestDatabase(SqliteFiles.NewDatabaseFile("injections-template"), NewProtector());
        await template.SeedAsync();
        return template;
    });

    private readonly DbContextOptions<SqliteDbContext> options;

    private InjectionTestDatabase(string path, IPersonalDataProtector protector)
    {
        Path = path;
        options = new DbContextOptionsBuilder<SqliteDbContext>().UsePortalSqlite(SqliteFiles.ConnectionStringFor(path)).Options;
        Protector = protector;
        Clock = new FakeTimeProvider(Now);
        Service = new InjectionQueryService(this, Protector, Clock);
    }

    public string Path { get; }
    public IPersonalDataProtector Protector { get; }
    public FakeTimeProvider Clock { get; }
    public InjectionQueryService Service { get; }
    public Site SiteA { get; private set; } = default!;
    public Site SiteB { get; private set; } = default!;
    public VaccineProduct Product { get; private set; } = default!;
    public Resident Zhang { get; private set; } = default!;
    public Resident Li { get; private set; } = default!;
    public long EmployerId { get; private set; }
    public long XuhuiRecent { get; private set; }
    public long XuhuiOld { get; private set; }
    public long ChangningRecent { get; private set; }

    public StaffScope DoctorAtSiteA => new(DoctorUserId, "doctor.wang", "王医生", [Roles.Doctor], DataScopeKind.Site, SiteId: SiteA.Id);
    public StaffScope EmployerAdmin => new("employer-1", "hr.admin", "单位管理员", [Roles.EmployerAdmin], DataScopeKind.Employer, EmployerId: EmployerId);

    /// <summary>A fresh copy of the seeded database for one test.</summary>
    public static async Task<InjectionTestDatabase> CreateAsync(string prefix)
    {
        var template = await Template.Value;
        var path = SqliteFiles.NewDatabaseFile(prefix);
        // The backup API, not a file copy: it also carries pages still in the template's write-ahead log.
        await using (var source = new SqliteConnection(SqliteFiles.ConnectionStringFor(template.Path)))
        await using (var target = new SqliteConnection(SqliteFiles.ConnectionStringFor(path)))
        {
            await source.OpenAsync();
            await target.OpenAsync();
            source.BackupDatabase(target);
        }
        return new InjectionTestDatabase(path, template.Protector)
        {
            SiteA = template.SiteA, SiteB = template.SiteB, Product = template.Product, Zhang = template.Zhang, Li = template.Li,
            EmployerId = template.EmployerId, XuhuiRecent = template.XuhuiRecent, XuhuiOld = template.XuhuiOld, ChangningRecent = template.ChangningRecent,
        };
    }

    private static PersonalDataProtector NewProtector() => new(new PersonalDataOptions
    {
        ActiveKeyVersion = 1,
        Keys = { [1] = PersonalDataOptions.NewKey() },
        HashKey = PersonalDataOptions.NewKey(),
    });

    public PortalDbContext CreateDbContext() => new SqliteDbContext(options);

    DbContext IDbContextFactory<DbContext>.CreateDbContext() => CreateDbContext();

    public async Task<int> CountAuditAsync()
    {
        await using var db = CreateDbContext();
        return await db.AuditEntries.CountAsync();
    }

    private async Task SeedAsync()
    {
        await using var db = CreateDbContext();
        await db.Database.MigrateAsync();
        await ReferenceDataSeeder.SeedAsync(db);

        var xuhuiStreet = await db.Streets.Where(s => s.DistrictCode == Xuhui).OrderBy(s => s.Code).FirstAsync();
        var changningStreet = await db.Streets.Where(s => s.DistrictCode == Changning).OrderBy(s => s.Code).FirstAsync();
        Product = await db.Products.OrderBy(p => p.Id).FirstAsync();

        SiteA = new Site { Code = "T-A", Name = SiteAName, Kind = SiteKind.Clinic, DistrictCode = Xuhui, StreetCode = xuhuiStreet.Code, Address = "徐汇测试路1号" };
        SiteB = new Site { Code = "T-B", Name = "长宁测试社区卫生服务中心预防接种门诊", Kind = SiteKind.Clinic, DistrictCode = Changning, StreetCode = changningStreet.Code, Address = "长宁测试路2号" };
        var employer = new Employer { Name = "上海测试科技有限公司", CreditCode = "91310000TEST000001", DistrictCode = Xuhui, Address = "徐汇测试路3号", ContactName = "联系人" };
        var lot = new VaccineLot { ProductId = Product.Id, BatchNumber = "TEST-LOT-01", ExpiryDate = new DateOnly(2026, 12, 31), TraceabilityCode = "8000001", BatchReleaseCertificate = "SJ-TEST" };
        db.AddRange(SiteA, SiteB, employer, lot);
        db.Users.Add(new StaffUser
        {
            Id = DoctorUserId, UserName = "doctor.wang", NormalizedUserName = "DOCTOR.WANG", DisplayName = "王医生",
            ScopeKind = DataScopeKind.Site, SecurityStamp = Guid.NewGuid().ToString(),
        });
        await db.SaveChangesAsync();
        EmployerId = employer.Id;

        Zhang = NewResident("张三丰", ZhangIdNumber, ZhangPhone, Sex.Male, new DateOnly(1990, 3, 8), xuhuiStreet.DistrictCode, xuhuiStreet.Code, employer.Id);
        Li = NewResident("李四", LiIdNumber, LiPhone, Sex.Female, new DateOnly(1985, 5, 5), changningStreet.DistrictCode, changningStreet.Code, null);
        db.Residents.AddRange(Zhang, Li);
        await db.SaveChangesAsync();

        // 2025-03-07 10:15 China; 2025-03-06 09:00 China; 2025-03-07 00:30 China is 2025-03-06 16:30 UTC (an old
        // dose 2 in February keeps the date filter honest).
        var recentA = NewInjection(Zhang, SiteA, lot, 1, ChinaTime.At(new DateOnly(2025, 3, 7), new TimeOnly(10, 15)), DoctorUserId);
        var recentB = NewInjection(Li, SiteB, lot, 1, ChinaTime.At(new DateOnly(2025, 3, 6), new TimeOnly(9, 0)), "demo-doctor-9");
        var oldA = NewInjection(Zhang, SiteA, lot, 2, ChinaTime.At(new DateOnly(2025, 2, 1), new TimeOnly(0, 30)), DoctorUserId);
        db.Injections.AddRange(recentA, recentB, oldA);
        await db.SaveChangesAsync();
        XuhuiRecent = recentA.Id;
        ChangningRecent = recentB.Id;
        XuhuiOld = oldA.Id;
    }

    private Resident NewResident(string name, string id, string phone, Sex sex, DateOnly birth, string district, string street, long? employerId) => new()
    {
        Name = name, IdKind = IdDocumentKind.ResidentIdCard, Sex = sex, BirthDate = birth, Residency = ResidencyKind.Household,
        IdNumberCipher = Protector.Protect(id), IdNumberHash = Protector.LookupHash(id), IdNumberMasked = Masking.MaskIdNumber(id),
        PhoneCipher = Protector.Protect(phone), PhoneHash = Protector.LookupHash(phone), PhoneMasked = Masking.MaskPhone(phone),
        DistrictCode = district, StreetCode = street, EmployerId = employerId,
    };

    private Injection NewInjection(Resident resident, Site site, VaccineLot lot, int dose, DateTimeOffset at, string doctor) => new()
    {
        ResidentId = resident.Id, ProductId = Product.Id, ProgrammeId = Product.ProgrammeId, LotId = lot.Id, DoseNumber = dose,
        SiteId = site.Id, DoctorUserId = doctor, InjectedAt = at, InjectedOn = ChinaTime.DateOf(at), BodySite = "左上臂三角肌",
        DistrictCode = site.DistrictCode, StreetCode = site.StreetCode, EmployerId = resident.EmployerId, CreatedAt = at,
    };
}
