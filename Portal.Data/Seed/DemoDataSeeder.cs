using Microsoft.EntityFrameworkCore;
using Portal.Core.Archives;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Content;
using Portal.Core.Employers;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Residents.IdDocuments;
using Portal.Core.Sites;
using Portal.Core.Statistics;
using Portal.Core.Vaccines;
using Portal.Core.Slots;

namespace Portal.Data.Seed;

/// <summary>Deterministic demo data: sites in every district, employers, residents (with valid,
/// encrypted ID numbers), lots and stock, slots ahead, appointments, and injections over the last
/// <see cref="DemoDataOptions.Days"/> days. Runs once, on an empty Sites table.</summary>
public sealed class DemoDataSeeder(IPersonalDataProtector protector, TimeProvider clock)
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] GivenChars = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "晨", "浩", "宇"];
    private static readonly string[] BodySites = ["左上臂三角肌", "右上臂三角肌"];

    /// <summary>A child whose vaccination archive names <see cref="DemoGuardianPhone"/> as the guardian's phone: an account
    /// signed in with that number attaches the child at once (docs/features/resident-services.md, "Who may act for whom").</summary>
    public const string DemoChildName = "陈小宝";
    public static readonly DateOnly DemoChildBirthDate = new(2022, 6, 1);
    public const string DemoGuardianPhone = "13812345678";

    /// <summary>The demo child's ID number (黄浦区, female, GB 11643 check digit).</summary>
    public static string DemoChildIdNumber()
    {
        var first17 = $"310101{DemoChildBirthDate:yyyyMMdd}002";
        return first17 + Gb11643.ComputeCheckDigit(first17);
    }

    public async Task<bool> SeedAsync(PortalDbContext db, DemoDataOptions o, CancellationToken ct = default)
    {
        if (await db.Sites.AnyAsync(ct)) return false;
        var rng = new Random(o.RandomSeed);
        var now = clock.GetUtcNow();
        var today = ChinaTime.Today(clock);

        var districts = await db.Districts.OrderBy(d => d.SortOrder).ToListAsync(ct);
        var streets = await db.Streets.ToListAsync(ct);
        var products = await db.Products.Include(p => p.Programme).Include(p => p.Schedules).Where(p => p.IsActive).ToListAsync(ct);

        // Sites: permanent clinics in every district, and one temporary mass site in the largest.
        var sites = new List<Site>();
        foreach (var d in districts)
        {
            var ds = streets.Where(s => s.DistrictCode == d.Code).ToList();
            for (var i = 0; i < o.SitesPerDistrict; i++)
            {
                var street = ds[(i * 7) % ds.Count];
                var site = new Site
                {
                    Code = $"{d.Code}-{i + 1:00}", Name = $"{street.Name}社区卫生服务中心预防接种门诊", Kind = SiteKind.Clinic,
                    DistrictCode = d.Code, StreetCode = street.Code, Address = $"上海市{d.Name}{street.Name}{100 + i * 13}号",
                    Phone = $"021-{rng.Next(5000_0000, 6999_9999)}",
                };
                foreach (var day in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday })
                {
                    site.OpeningHours.Add(new OpeningHours { Day = day, Opens = new TimeOnly(8, 0), Closes = new TimeOnly(11, 30) });
                    if (day != DayOfWeek.Saturday)
                        site.OpeningHours.Add(new OpeningHours { Day = day, Opens = new TimeOnly(13, 30), Closes = new TimeOnly(16, 30) });
                }
                sites.Add(site);
            }
        }
        var big = districts[0];
        var bigStreet = streets.First(s => s.DistrictCode == big.Code);
        sites.Add(new Site
        {
            Code = $"{big.Code}-T1", Name = $"{big.Name}临时接种点（体育馆）", Kind = SiteKind.Temporary, DistrictCode = big.Code, StreetCode = bigStreet.Code,
            Address = $"上海市{big.Name}体育馆", Phone = "021-60000000", ActiveFrom = today.AddDays(-o.Days), ActiveTo = today.AddDays(30),
        });
        db.Sites.AddRange(sites);

        var employers = Enumerable.Range(1, o.Employers).Select(i =>
        {
            var d = districts[i % districts.Count];
            var s = streets.First(x => x.DistrictCode == d.Code);
            return new Employer
            {
                Name = $"上海示范{(i % 3 == 0 ? "科技" : i % 3 == 1 ? "物流" : "制造")}有限公司{i:00}", CreditCode = $"91310000DEMO{i:000000}",
                DistrictCode = d.Code, StreetCode = s.Code, Address = $"上海市{d.Name}示范路{i}号", ContactName = "联系人",
                ContactPhoneMasked = Masking.MaskPhone($"1380000{i:0000}"), HeadCount = 200 + i * 37,
            };
        }).ToList();
        db.Employers.AddRange(employers);
        await db.SaveChangesAsync(ct);

        // Lots: two per product, stock at every site.
        var lots = new List<VaccineLot>();
        foreach (var p in products)
            for (var k = 1; k <= 2; k++)
                lots.Add(new VaccineLot
                {
                    ProductId = p.Id, BatchNumber = $"{today.Year}{p.Id:000}{k:00}", ExpiryDate = today.AddMonths(12 + k * 6),
                    TraceabilityCode = $"8{p.Id:00000}{k:000000}", BatchReleaseCertificate = $"SJ{today.Year}{p.Id:0000}{k}", ManufacturedOn = today.AddMonths(-6),
                });
        db.Lots.AddRange(lots);
        await db.SaveChangesAsync(ct);
        db.LotStocks.AddRange(sites.SelectMany(s => lots.Select(l => new LotStock { SiteId = s.Id, LotId = l.Id, OnHand = 200 + rng.Next(300), UpdatedAt = now })));

        // Residents with valid, encrypted identity numbers.
        var residents = new List<Resident>(o.Residents);
        var usedIds = new HashSet<string>();
        for (var i = 0; i < o.Residents; i++)
        {
            var street = streets[rng.Next(streets.Count)];
            var age = rng.Next(100) switch { < 10 => rng.Next(0, 7), < 25 => rng.Next(9, 30), < 70 => rng.Next(30, 60), _ => rng.Next(60, 90) };
            var birth = today.AddYears(-age).AddDays(-rng.Next(365));
            var sex = rng.Next(2) == 0 ? Sex.Female : Sex.Male;
            string id;
            do
            {
                var seq = rng.Next(0, 500) * 2 + (sex == Sex.Male ? 1 : 0);
                var first17 = $"{street.DistrictCode}{birth:yyyyMMdd}{seq:000}";
                id = first17 + Gb11643.ComputeCheckDigit(first17);
            } while (!usedIds.Add(id));
            var phone = $"1{rng.Next(3, 10)}{rng.Next(0, 10)}{rng.Next(1000_0000, 9999_9999)}";
            residents.Add(new Resident
            {
                Name = Surnames[rng.Next(Surnames.Length)] + GivenChars[rng.Next(GivenChars.Length)] + (rng.Next(2) == 0 ? GivenChars[rng.Next(GivenChars.Length)] : ""),
                IdKind = IdDocumentKind.ResidentIdCard, IdNumberCipher = protector.Protect(id), IdNumberHash = protector.LookupHash(id), IdNumberMasked = Masking.MaskIdNumber(id),
                Sex = sex, BirthDate = birth, PhoneCipher = protector.Protect(phone), PhoneHash = protector.LookupHash(phone), PhoneMasked = Masking.MaskPhone(phone),
                Residency = (ResidencyKind)(1 + rng.Next(3)), DistrictCode = street.DistrictCode, StreetCode = street.Code,
                EmployerId = rng.Next(4) == 0 ? employers[rng.Next(employers.Count)].Id : null,
            });
        }
        db.Residents.AddRange(residents);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        // Slots for the coming days at every clinic, for the adult programmes.
        var bookable = products.Where(p => p.Programme!.Category != ProgrammeCategory.ChildrenNip).ToList();
        var slots = new List<Slot>();
        foreach (var site in sites)
            for (var day = 0; day < o.SlotDaysAhead; day++)
            {
                var date = today.AddDays(day);
                if (date.DayOfWeek == DayOfWeek.Sunday) continue;
                foreach (var p in bookable.Where((_, idx) => (idx + (int)site.Id) % 4 == 0))
                {
                    slots.Add(new Slot { SiteId = site.Id, ProductId = p.Id, Date = date, StartTime = new TimeOnly(8, 30), EndTime = new TimeOnly(10, 0), Capacity = p.IsScarce ? 10 : 40 });
                    slots.Add(new Slot { SiteId = site.Id, ProductId = p.Id, Date = date, StartTime = new TimeOnly(13, 30), EndTime = new TimeOnly(15, 0), Capacity = p.IsScarce ? 10 : 40 });
                }
            }
        db.Slots.AddRange(slots);
        await db.SaveChangesAsync(ct);

        // Some of the coming slots are already partly booked.
        var appointments = new List<Appointment>();
        var adults = residents.Where(r => r.BirthDate < today.AddYears(-18)).ToList();
        foreach (var slot in slots.Where((_, i) => i % 3 == 0).Take(o.Residents / 4))
        {
            var r = adults[rng.Next(adults.Count)];
            if (appointments.Any(a => a.ResidentId == r.Id && a.ProductId == slot.ProductId)) continue;
            slot.Booked++;
            appointments.Add(new Appointment
            {
                SlotId = slot.Id, SiteId = slot.SiteId, ProductId = slot.ProductId, ResidentId = r.Id, DoseNumber = 1, Date = slot.Date,
                Status = AppointmentStatus.Booked, ActiveKey = $"{r.Id}:{slot.ProductId}:1",
            });
        }
        db.Slots.UpdateRange(slots.Where(s => s.Booked > 0));
        db.Appointments.AddRange(appointments);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        // Injections over the last days, with a weekday rhythm.
        var lotsByProduct = lots.GroupBy(l => l.ProductId).ToDictionary(g => g.Key, g => g.ToList());
        IEnumerable<Injection> History()
        {
            var r2 = new Random(o.RandomSeed + 1);
            // One dose of a product per person per day, as the Injections index requires.
            var given = new HashSet<(long, long, DateOnly)>();
            for (var back = o.Days; back >= 1; back--)
            {
                var date = today.AddDays(-back);
                var factor = date.DayOfWeek == DayOfWeek.Sunday ? 0.3 : date.DayOfWeek == DayOfWeek.Saturday ? 0.7 : 1.0;
                var n = (int)(o.InjectionsPerDay * factor * (0.85 + r2.NextDouble() * 0.3));
                for (var k = 0; k < n; k++)
                {
                    var site = sites[r2.Next(sites.Count)];
                    var resident = residents[r2.Next(residents.Count)];
                    var product = products[r2.Next(products.Count)];
                    var at = ChinaTime.At(date, new TimeOnly(8, 0).AddMinutes(r2.Next(0, 8 * 60)));
                    if (!given.Add((resident.Id, product.Id, date))) continue;
                    yield return new Injection
                    {
                        ResidentId = resident.Id, ProductId = product.Id, ProgrammeId = product.ProgrammeId, LotId = lotsByProduct[product.Id][r2.Next(2)].Id,
                        DoseNumber = 1 + r2.Next(product.Schedules.Max(s => s.DoseCount)), SiteId = site.Id, DoctorUserId = $"demo-doctor-{site.Id}",
                        InjectedAt = at, InjectedOn = date, BodySite = BodySites[r2.Next(2)], DistrictCode = site.DistrictCode, StreetCode = site.StreetCode,
                        EmployerId = resident.EmployerId, CreatedAt = at,
                    };
                }
            }
        }
        await InjectionBulkWriter.WriteAsync(db, History(), ct);
        await InjectionBulkWriter.RebuildDailyStatsAsync(db, ct);

        // Added after everything random above, so that the rest of the demo data stays as it was.
        var childId = DemoChildIdNumber();
        if (usedIds.Add(childId))
        {
            var child = new Resident
            {
                Name = DemoChildName, IdKind = IdDocumentKind.ResidentIdCard, IdNumberCipher = protector.Protect(childId), IdNumberHash = protector.LookupHash(childId),
                IdNumberMasked = Masking.MaskIdNumber(childId), Sex = Sex.Female, BirthDate = DemoChildBirthDate, Residency = ResidencyKind.Household,
                DistrictCode = sites[0].DistrictCode, StreetCode = sites[0].StreetCode,
            };
            db.Residents.Add(child);
            await db.SaveChangesAsync(ct);
            db.Archives.Add(new VaccinationArchive
            {
                ResidentId = child.Id, ManagingSiteId = sites[0].Id, Status = ArchiveStatus.Active, ArchiveNumber = sites[0].DistrictCode + "0000000001",
                GuardianPhoneHash = protector.LookupHash(DemoGuardianPhone),
            });
        }

        db.Targets.AddRange(districts.Select(d => new VaccinationTarget
        {
            ProgrammeCode = "PPSV23", DistrictCode = d.Code, TargetDoses = d.Population / 200, StartsOn = new DateOnly(today.Year, 1, 1), EndsOn = new DateOnly(today.Year, 12, 31),
        }));
        db.Announcements.Add(new Announcement
        {
            Title = "九价HPV疫苗登记排队说明", Body = "九价HPV疫苗实行登记排队，按登记顺序分配，获得名额后请在48小时内选择接种时段。",
            Audience = AnnouncementAudience.Everyone, PublishedAt = now, IsPinned = true,
        });
        db.KnowledgeArticles.Add(new KnowledgeArticle
        {
            Title = "老年人为什么要接种肺炎疫苗", Summary = "60岁及以上上海户籍老人可免费接种23价肺炎球菌多糖疫苗。",
            Body = "肺炎球菌是老年人社区获得性肺炎的主要病原体……", ProgrammeCode = "PPSV23", Tags = "老年人,肺炎", PublishedAt = now, IsPublished = true,
        });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
