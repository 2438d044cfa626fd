using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Areas;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Data.Seed;

/// <summary>Districts, streets and the vaccine catalogue, from the files embedded in this assembly.
/// Insert-only: rows that exist are left alone, because administrators may have edited them.</summary>
public static class ReferenceDataSeeder
{
    public static async Task SeedAsync(PortalDbContext db, CancellationToken ct = default)
    {
        await SeedAreasAsync(db, ct);
        await SeedVaccinesAsync(db, ct);
    }

    private static async Task SeedAreasAsync(PortalDbContext db, CancellationToken ct)
    {
        var existingDistricts = await db.Districts.Select(d => d.Code).ToListAsync(ct);
        var existingStreets = await db.Streets.Select(s => s.Code).ToListAsync(ct);
        var populations = ReadCsv("populations.csv").ToDictionary(r => r[0], r => int.Parse(r[1]));
        var streets = ReadCsv("shanghai-streets.csv").Select(r => new Street { Code = r[0], Name = r[1], DistrictCode = r[2] }).ToList();
        var order = 0;
        foreach (var r in ReadCsv("shanghai-districts.csv"))
        {
            order++;
            if (existingDistricts.Contains(r[0])) continue;
            db.Districts.Add(new District { Code = r[0], Name = r[1], Population = populations.GetValueOrDefault(r[1]), SortOrder = order });
        }
        // The census gives district totals only; streets get an equal share as a demo denominator
        // until the CDC loads real street populations.
        foreach (var group in streets.GroupBy(s => s.DistrictCode))
        {
            var districtName = ReadCsv("shanghai-districts.csv").First(r => r[0] == group.Key)[1];
            var share = populations.GetValueOrDefault(districtName) / Math.Max(1, group.Count());
            foreach (var s in group.Where(s => !existingStreets.Contains(s.Code)))
            {
                s.Population = share;
                db.Streets.Add(s);
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static async Task SeedVaccinesAsync(PortalDbContext db, CancellationToken ct)
    {
        using var stream = Open("vaccines.json");
        var catalogue = await JsonSerializer.DeserializeAsync<CatalogueFile>(stream, JsonOptions, ct)
            ?? throw new InvalidOperationException("vaccines.json is empty");

        var programmes = await db.Programmes.ToDictionaryAsync(p => p.Code, ct);
        foreach (var p in catalogue.Programmes.Where(p => !programmes.ContainsKey(p.Code)))
        {
            var entity = new VaccineProgramme { Code = p.Code, Name = p.Name, NameEn = p.NameEn, Category = p.Category, IsFree = p.IsFree, SortOrder = p.SortOrder };
            db.Programmes.Add(entity);
            programmes[p.Code] = entity;
        }
        await db.SaveChangesAsync(ct);

        var products = await db.Products.Select(p => p.Code).ToListAsync(ct);
        foreach (var p in catalogue.Products.Where(p => !products.Contains(p.Code)))
        {
            db.Products.Add(new VaccineProduct
            {
                Code = p.Code, ProgrammeId = programmes[p.Programme].Id, Name = p.Name, NameEn = p.NameEn,
                Brand = p.Brand, BrandEn = p.BrandEn, Maker = p.Maker, MakerEn = p.MakerEn, Valency = p.Valency,
                Technology = p.Technology, RequiredSex = p.Sex, MinAgeMonths = p.MinAgeMonths,
                MaxAgeMonthsExclusive = p.MaxAgeMonthsExclusive, SeriesGroup = p.SeriesGroup, IsScarce = p.Scarce,
                Schedules = p.Schedules.Select(s => new DoseSchedule
                {
                    MinAgeMonths = s.MinAgeMonths, MaxAgeMonthsExclusive = s.MaxAgeMonthsExclusive, DoseCount = s.Doses.Count,
                    Doses = s.Doses.Select(d => new DoseRule
                    {
                        DoseNumber = d.Dose, From = d.From, MinIntervalMonths = d.MinMonths, MinIntervalDays = d.MinDays,
                        MaxIntervalMonths = d.MaxMonths, MaxIntervalDays = d.MaxDays, IsBooster = d.Booster,
                    }).ToList(),
                }).ToList(),
            });
        }

        var childRows = await db.ChildSchedule.Select(c => new { c.ProgrammeCode, c.DoseNumber }).ToListAsync(ct);
        foreach (var c in catalogue.ChildSchedule.Where(c => !childRows.Any(r => r.ProgrammeCode == c.Programme && r.DoseNumber == c.Dose)))
        {
            db.ChildSchedule.Add(new ChildScheduleEntry
            {
                AgeMonths = c.AgeMonths, ProgrammeCode = c.Programme, DoseNumber = c.Dose, Label = c.Label, LabelEn = c.LabelEn, IsLocalAddition = c.Local,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    internal static IEnumerable<string[]> ReadCsv(string name)
    {
        using var reader = new StreamReader(Open(name));
        reader.ReadLine(); // header
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            yield return line.Split(',').Select(f => f.Trim().Trim('"')).ToArray();
        }
    }

    private static Stream Open(string name)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        return assembly.GetManifestResourceStream(resource)!;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private sealed record CatalogueFile(List<ProgrammeRow> Programmes, List<ProductRow> Products, List<ChildRow> ChildSchedule);
    private sealed record ProgrammeRow(string Code, string Name, string NameEn, ProgrammeCategory Category, bool IsFree, int SortOrder);
    private sealed record ProductRow(
        string Code, string Programme, string Name, string NameEn, string Brand, string BrandEn, string Maker, string MakerEn,
        int? Valency, string Technology, Sex? Sex, int MinAgeMonths, int? MaxAgeMonthsExclusive, string SeriesGroup, bool Scarce,
        List<ScheduleRow> Schedules);
    private sealed record ScheduleRow(int MinAgeMonths, int? MaxAgeMonthsExclusive, List<DoseRow> Doses);
    private sealed record DoseRow(int Dose, IntervalFrom From, int MinMonths, int MinDays, int? MaxMonths, int? MaxDays, bool Booster);
    private sealed record ChildRow(int AgeMonths, string Programme, int Dose, string Label, string LabelEn, bool Local);
}
