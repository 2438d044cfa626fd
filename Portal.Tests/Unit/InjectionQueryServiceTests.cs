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
    private InjectionTestKit data = default!;

    public async Task InitializeAsync() => data = await InjectionTestKit.CreateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task City_user_sees_every_row_newest_first_with_masked_numbers()
    {
        var page = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter());

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
        Assert.Equal(InjectionTestKit.SiteAName, row.SiteName);
        Assert.Equal("TEST-LOT-01", row.BatchNumber);
        Assert.Contains(data.Product.Brand, row.Vaccine.Zh);
        Assert.Contains(data.Product.BrandEn, row.Vaccine.En);
        Assert.DoesNotContain(page.Items, r => r.IdNumberMasked.Contains(InjectionTestKit.ZhangIdNumber) || r.IdNumberMasked.Contains(InjectionTestKit.LiIdNumber));
    }

    [Fact]
    public async Task Unknown_doctor_ids_show_a_dash()
    {
        var page = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter());

        Assert.Equal(InjectionRow.UnknownDoctor, page.Items.Single(r => r.Id == data.ChangningRecent).DoctorName);
    }

    [Fact]
    public async Task District_user_sees_only_their_district_with_masked_names()
    {
        var page = await data.Service.SearchAsync(InjectionTestKit.XuhuiAdmin, new InjectionFilter());

        Assert.Equal(2, page.TotalCount);
        Assert.All(page.Items, r => Assert.Equal("徐汇区", r.DistrictName));
        Assert.All(page.Items, r => Assert.Equal("张*丰", r.ResidentName));
    }

    [Fact]
    public async Task District_filter_cannot_widen_a_district_scope()
    {
        var page = await data.Service.SearchAsync(InjectionTestKit.XuhuiAdmin, new InjectionFilter { DistrictCode = InjectionTestKit.Changning });

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
        var march = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter { From = new DateOnly(2025, 3, 1), To = new DateOnly(2025, 3, 6) });
        Assert.Equal([data.ChangningRecent], march.Items.Select(r => r.Id));

        var byName = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter { Text = " 三丰 " });
        Assert.Equal([data.XuhuiRecent, data.XuhuiOld], byName.Items.Select(r => r.Id));

        var secondDoses = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter { DoseNumber = 2 });
        Assert.Equal([data.XuhuiOld], secondDoses.Items.Select(r => r.Id));

        var bySite = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter { SiteId = data.SiteB.Id, ProductId = data.Product.Id });
        Assert.Equal([data.ChangningRecent], bySite.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task The_china_date_decides_the_day_not_the_utc_date()
    {
        // 2025-03-07 00:30 in Shanghai is still 2025-03-06 in UTC.
        var page = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter { From = new DateOnly(2025, 3, 7), To = new DateOnly(2025, 3, 7) });

        Assert.Equal([data.XuhuiRecent], page.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task Pages_and_sorts_by_time()
    {
        var second = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter { Page = 2, PageSize = 1 });
        Assert.Equal(3, second.TotalCount);
        Assert.Equal(3, second.PageCount);
        Assert.Equal([data.ChangningRecent], second.Items.Select(r => r.Id));

        var oldest = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter { Sort = InjectionSort.OldestFirst });
        Assert.Equal([data.XuhuiOld, data.ChangningRecent, data.XuhuiRecent], oldest.Items.Select(r => r.Id));

        var huge = await data.Service.SearchAsync(InjectionTestKit.CityAdmin, new InjectionFilter { PageSize = 10_000, Page = -5 });
        Assert.Equal(InjectionFilter.MaxPageSize, huge.PageSize);
        Assert.Equal(1, huge.Page);
    }

    [Fact]
    public async Task Reveal_is_denied_to_a_district_admin_and_nothing_is_audited()
    {
        Assert.DoesNotContain(Roles.DistrictAdmin, Roles.MayRevealPersonalData);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => data.Service.RevealAsync(InjectionTestKit.XuhuiAdmin, data.XuhuiRecent));

        Assert.Equal(0, await data.CountAuditAsync());
    }

    [Fact]
    public async Task Reveal_by_a_doctor_decrypts_and_writes_an_audit_entry()
    {
        var revealed = await data.Service.RevealAsync(data.DoctorAtSiteA, data.XuhuiRecent, "10.1.2.3");

        Assert.Equal(InjectionTestKit.ZhangIdNumber, revealed.IdNumber);
        Assert.Equal(InjectionTestKit.ZhangPhone, revealed.Phone);
        Assert.Equal("张三丰", revealed.Name);
        Assert.Equal(InjectionTestKit.Now, revealed.RevealedAt);

        await using var db = data.Db.CreateDbContext();
        var entry = await db.AuditEntries.SingleAsync();
        Assert.Equal(AuditActions.RevealPersonalData, entry.Action);
        Assert.Equal("Resident", entry.EntityType);
        Assert.Equal(data.Zhang.Id.ToString(), entry.EntityId);
        Assert.Equal(InjectionTestKit.DoctorUserId, entry.UserId);
        Assert.Equal("doctor.wang", entry.UserName);
        Assert.Equal("10.1.2.3", entry.IpAddress);
        Assert.Equal(InjectionTestKit.Now, entry.At);
        Assert.Contains(data.XuhuiRecent.ToString(), entry.Detail);
        Assert.DoesNotContain(InjectionTestKit.ZhangIdNumber, entry.Detail);
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
        await foreach (var row in data.Service.StreamAsync(InjectionTestKit.XuhuiAdmin, new InjectionFilter { PageSize = 1 }))
            rows.Add(row);
        Assert.Equal([data.XuhuiRecent, data.XuhuiOld], rows.Select(r => r.Id));

        var limited = new InjectionQueryService(data.Db, data.Protector, data.Clock) { ExportRowLimit = 2 };
        var error = await Assert.ThrowsAsync<ExportLimitExceededException>(async () =>
        {
            await foreach (var _ in limited.StreamAsync(InjectionTestKit.CityAdmin, new InjectionFilter()))
            {
            }
        });
        Assert.Equal(3, error.RowCount);
        Assert.Contains("超过单次上限", error.UserMessage.Zh);
    }

    [Fact]
    public async Task District_list_follows_the_scope()
    {
        Assert.Equal(16, (await data.Service.ListDistrictsAsync(InjectionTestKit.CityAdmin)).Count);
        Assert.Equal([InjectionTestKit.Xuhui], (await data.Service.ListDistrictsAsync(InjectionTestKit.XuhuiAdmin)).Select(d => d.Code));
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
