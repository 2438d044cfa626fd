using Microsoft.EntityFrameworkCore;
using Portal.Core.Eligibility;
using Portal.Core.Residents;
using Portal.Core.Vaccines;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>Every product of the catalogue against the published rules (/work/shared/data/vaccines.md and the
/// national children's table): age and sex windows, dose counts, interval boundaries, series completion.</summary>
public sealed class EligibilityTableTests(SeededCatalogue catalogue) : IClassFixture<SeededCatalogue>
{
    /// <summary>An interval rule for dose 2, 3...: from the first (F) or previous (P) dose, min months+days, optional max.</summary>
    public sealed record Interval(char From, int Months, int Days = 0, int? MaxMonths = null, int? MaxDays = null);

    /// <summary>The expected rules: sex, age window (months), doses for a first dose at the minimum age, intervals.</summary>
    public sealed record Row(string Code, Sex? Sex, int MinAge, int? MaxAge, int Doses, params Interval[] Intervals)
    {
        public override string ToString() => Code;
    }

    private static readonly Row[] Table =
    [
        new("HPV2-CERVARIX", Sex.Female, 108, 552, 3, new Interval('F', 1), new Interval('F', 6)),
        new("HPV2-CECOLIN", Sex.Female, 108, 552, 2, new Interval('F', 6)),
        new("HPV2-WALRINVAX", Sex.Female, 108, 372, 2, new Interval('F', 6)),
        new("HPV4-GARDASIL", Sex.Female, 108, 552, 3, new Interval('F', 2), new Interval('F', 6)),
        new("HPV9-GARDASIL9", Sex.Female, 108, 552, 3, new Interval('F', 2), new Interval('F', 6)),
        new("HZ-SHINGRIX", null, 600, null, 2, new Interval('F', 2, 0, 6, 0)),
        new("HZ-GANWEI", null, 480, null, 1),
        new("PPSV23", null, 720, null, 1),
        new("COVID-BIBP", null, 36, null, 3, new Interval('P', 0, 21, 0, 56), new Interval('P', 3)),
        new("COVID-SINOVAC", null, 36, null, 3, new Interval('P', 0, 21, 0, 56), new Interval('P', 3)),
        new("COVID-AD5", null, 216, null, 1),
        new("COVID-ZF2001", null, 216, null, 3, new Interval('P', 1), new Interval('P', 1)),
        // Children's programme: intervals that reproduce the table's ages (0, 1, 6 months for HepB...).
        new("HEPB-CHILD", null, 0, null, 3, new Interval('P', 1), new Interval('P', 5)),
        new("BCG", null, 0, null, 1),
        new("IPV", null, 2, null, 2, new Interval('P', 1)),
        new("DTAP", null, 3, null, 4, new Interval('P', 1), new Interval('P', 1), new Interval('P', 13)),
        new("DT", null, 72, null, 1),
        new("MPSV-A", null, 6, null, 2, new Interval('P', 3)),
        new("MPSV-AC", null, 36, null, 2, new Interval('P', 36)),
        new("MMR", null, 8, null, 2, new Interval('P', 10)),
        new("JE-L", null, 8, null, 2, new Interval('P', 16)),
        new("HEPA-L", null, 18, null, 1),
        new("VAR", null, 12, null, 2, new Interval('P', 36)),
    ];

    /// <summary>bOPV only gives doses 3 and 4 of the polio series (after IPV 1 and 2): tested on its own below.</summary>
    private static readonly string[] SeriesOnlyProducts = ["BOPV"];

    public static TheoryData<Row> Rows() => new(Table);

    private static readonly DateOnly FirstDose = new(2026, 3, 10);

    [Fact]
    public void The_table_covers_every_product_in_the_catalogue()
    {
        var expected = Table.Select(r => r.Code).Concat(SeriesOnlyProducts).Order().ToList();
        Assert.Equal(expected, catalogue.Products.Select(p => p.Code).Order().ToList());
    }

    [Theory, MemberData(nameof(Rows))]
    public void Catalogue_matches_the_published_rules(Row row)
    {
        var p = catalogue[row.Code];
        Assert.Equal(row.Sex, p.RequiredSex);
        Assert.Equal(row.MinAge, p.MinAgeMonths);
        Assert.Equal(row.MaxAge, p.MaxAgeMonthsExclusive);
        Assert.True(p.IsActive);
        Assert.Equal(row.Code == "HPV9-GARDASIL9", p.IsScarce);
    }

    [Theory, MemberData(nameof(Rows))]
    public void Age_window_boundaries(Row row)
    {
        var p = catalogue[row.Code];
        var birth = new DateOnly(1950, 5, 20).AddMonths(Math.Max(0, 900 - row.MinAge));
        var minDate = birth.AddMonths(row.MinAge);
        var person = new PersonFacts(birth, row.Sex ?? Sex.Male);

        var atMin = EligibilityEngine.Check(p, person, [], minDate);
        Assert.True(atMin.IsEligible, string.Join("; ", atMin.Reasons.Select(r => r.Message.En)));
        Assert.Equal(1, atMin.DoseNumber);
        if (row.MinAge > 0)
        {
            var dayBefore = EligibilityEngine.Check(p, person, [], minDate.AddDays(-1));
            Assert.False(dayBefore.IsEligible);
            var reason = Assert.Single(dayBefore.Reasons);
            Assert.Equal(EligibilityCodes.TooYoung, reason.Code);
            Assert.Equal(minDate, reason.Date);
            Assert.Equal(minDate, dayBefore.EarliestDate);
            Assert.Contains(minDate.ToString("yyyy-MM-dd"), reason.Message.Zh);
        }
        if (row.MaxAge is { } max)
        {
            var limit = birth.AddMonths(max);
            Assert.True(EligibilityEngine.Check(p, person, [], limit.AddDays(-1)).IsEligible);
            var tooOld = EligibilityEngine.Check(p, person, [], limit);
            Assert.Equal([EligibilityCodes.TooOld], tooOld.Reasons.Select(r => r.Code));
            Assert.Null(tooOld.EarliestDate);
        }
    }

    [Theory, MemberData(nameof(Rows))]
    public void Sex_window(Row row)
    {
        var p = catalogue[row.Code];
        var birth = FirstDose.AddMonths(-Math.Max(row.MinAge, 240));
        var women = EligibilityEngine.Check(p, new PersonFacts(birth, Sex.Female), [], FirstDose);
        var men = EligibilityEngine.Check(p, new PersonFacts(birth, Sex.Male), [], FirstDose);
        if (row.MaxAge is { } max && Math.Max(row.MinAge, 240) >= max) return;
        Assert.True(women.IsEligible);
        if (row.Sex == Sex.Female)
        {
            Assert.False(men.IsEligible);
            Assert.Equal(EligibilityCodes.Sex, Assert.Single(men.Reasons).Code);
            Assert.Null(men.EarliestDate);
        }
        else
            Assert.True(men.IsEligible);
    }

    /// <summary>The whole series at its tightest: each dose one day early is refused with the earliest date, allowed on
    /// that date; a maximum interval is allowed but flagged after it; after the last dose the series is complete.</summary>
    [Theory, MemberData(nameof(Rows))]
    public void Series_interval_boundaries_and_completion(Row row)
    {
        var p = catalogue[row.Code];
        var person = new PersonFacts(FirstDose.AddMonths(-row.MinAge), row.Sex ?? Sex.Female);
        var history = new List<DoseRecord>();
        var first = EligibilityEngine.Check(p, person, history, FirstDose);
        Assert.True(first.IsEligible);
        Assert.Equal(row.Doses, first.SeriesLength);
        history.Add(new(p.Id, 1, FirstDose));

        for (var dose = 2; dose <= row.Doses; dose++)
        {
            var rule = row.Intervals[dose - 2];
            var reference = rule.From == 'F' ? FirstDose : history[^1].Date;
            var earliest = reference.AddMonths(rule.Months).AddDays(rule.Days);

            var early = EligibilityEngine.Check(p, person, history, earliest.AddDays(-1));
            Assert.False(early.IsEligible);
            Assert.Equal(dose, early.DoseNumber);
            var reason = Assert.Single(early.Reasons);
            Assert.Equal(EligibilityCodes.TooEarly, reason.Code);
            Assert.Equal(earliest, reason.Date);
            Assert.Equal(earliest, early.EarliestDate);

            var onTime = EligibilityEngine.Check(p, person, history, earliest);
            Assert.True(onTime.IsEligible, string.Join("; ", onTime.Reasons.Select(r => r.Message.En)));
            Assert.Empty(onTime.Reasons);
            Assert.Equal(dose, onTime.DoseNumber);

            if (rule.MaxMonths is not null || rule.MaxDays is not null)
            {
                var last = reference.AddMonths(rule.MaxMonths ?? 0).AddDays(rule.MaxDays ?? 0);
                Assert.Empty(EligibilityEngine.Check(p, person, history, last).Reasons);
                var late = EligibilityEngine.Check(p, person, history, last.AddDays(1));
                Assert.True(late.IsEligible);
                var flag = Assert.Single(late.Reasons);
                Assert.Equal(EligibilityCodes.PastMaxInterval, flag.Code);
                Assert.False(flag.Blocking);
                Assert.Equal(last, flag.Date);
            }
            history.Add(new(p.Id, dose, earliest));
        }

        var after = EligibilityEngine.Check(p, person, history, history[^1].Date.AddYears(1));
        Assert.False(after.IsEligible);
        Assert.Equal(EligibilityCodes.SeriesComplete, Assert.Single(after.Reasons).Code);
        var again = EligibilityEngine.Check(p, person, history, history[^1].Date.AddYears(1), doseNumber: 1);
        Assert.Contains(again.Reasons, r => r.Code == EligibilityCodes.DoseAlreadyGiven);
    }

    /// <summary>Every row of the children's table: given at the table's age after the earlier doses at theirs, the dose is allowed.</summary>
    [Fact]
    public void Children_table_ages_are_allowed_by_the_product_rules()
    {
        var birth = new DateOnly(2024, 1, 31);
        var person = new PersonFacts(birth, Sex.Male);
        var failures = new List<string>();
        foreach (var programme in catalogue.ChildSchedule.GroupBy(c => c.ProgrammeCode))
        {
            var products = catalogue.Products.Where(p => p.Programme!.Code == programme.Key).ToList();
            Assert.NotEmpty(products);
            var history = new List<DoseRecord>();
            foreach (var entry in programme.OrderBy(e => e.DoseNumber))
            {
                var on = birth.AddMonths(entry.AgeMonths);
                var results = products.Select(p => EligibilityEngine.Check(p, person, history, on, null, products)).ToList();
                var ok = results.FirstOrDefault(r => r.IsEligible && r.DoseNumber == entry.DoseNumber);
                if (ok is null)
                    failures.Add($"{entry.LabelEn} at {entry.AgeMonths} months: " + string.Join(" | ", results.SelectMany(r => r.Reasons).Select(r => r.Message.En)));
                history.Add(new(ok?.ProductId ?? products[0].Id, entry.DoseNumber, on));
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void Children_table_has_the_published_ages()
    {
        string[] expected =
        [
            "0:HEPB:1", "0:BCG:1", "1:HEPB:2", "2:POLIO:1", "3:POLIO:2", "3:DTAP:1", "4:POLIO:3", "4:DTAP:2", "5:DTAP:3", "6:HEPB:3", "6:MPSVA:1",
            "8:MMR:1", "8:JEL:1", "9:MPSVA:2", "12:VAR:1", "18:DTAP:4", "18:MMR:2", "18:HEPAL:1", "24:JEL:2", "36:MPSVAC:1", "48:POLIO:4",
            "48:VAR:2", "72:DT:1", "72:MPSVAC:2",
        ];
        Assert.Equal(expected.Order(), catalogue.ChildSchedule.Select(c => $"{c.AgeMonths}:{c.ProgrammeCode}:{c.DoseNumber}").Order());
        Assert.All(catalogue.ChildSchedule.Where(c => c.ProgrammeCode == "VAR"), c => Assert.True(c.IsLocalAddition));
    }
}
