using Portal.Core.Eligibility;
using Portal.Core.Residents;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>The engine's special cases on the real catalogue: age bands chosen at the first dose, boosters, shared
/// series, products that only give some doses, next dose and the children's schedule.</summary>
public sealed class EligibilityEngineTests(SeededCatalogue catalogue) : IClassFixture<SeededCatalogue>
{
    private static PersonFacts Woman(DateOnly birth) => new(birth, Sex.Female);

    [Theory]
    [InlineData("HPV2-CECOLIN", 179, 2, 6)]  // 14 y 11 m at the first dose: 2 doses, 0 and 6 months
    [InlineData("HPV2-CECOLIN", 180, 3, 1)]  // 15 y: 3 doses, 0, 1, 6 months
    [InlineData("HPV2-CECOLIN", 551, 3, 1)]
    [InlineData("HPV2-WALRINVAX", 179, 2, 6)]
    [InlineData("HPV2-WALRINVAX", 180, 3, 2)] // 15–30 y: 0, 2, 6 months
    [InlineData("HPV2-WALRINVAX", 371, 3, 2)]
    public void Age_band_at_the_first_dose_chooses_the_schedule(string code, int ageMonths, int doses, int secondDoseMonths)
    {
        var p = catalogue[code];
        var first = new DateOnly(2026, 4, 15);
        var person = Woman(first.AddMonths(-ageMonths));
        var result = EligibilityEngine.Check(p, person, [], first);
        Assert.True(result.IsEligible);
        Assert.Equal(doses, result.SeriesLength);

        var history = new List<DoseRecord> { new(p.Id, 1, first) };
        var second = first.AddMonths(secondDoseMonths);
        Assert.Equal(second, EligibilityEngine.Check(p, person, history, second.AddDays(-1)).EarliestDate);
        Assert.True(EligibilityEngine.Check(p, person, history, second).IsEligible);
    }

    [Fact]
    public void A_two_dose_series_begun_at_14_stays_two_doses_after_the_15th_birthday()
    {
        var p = catalogue["HPV2-CECOLIN"];
        var birth = new DateOnly(2011, 6, 1);
        var first = birth.AddMonths(178);
        var second = first.AddMonths(6); // now 15
        var history = new List<DoseRecord> { new(p.Id, 1, first), new(p.Id, 2, second) };
        var result = EligibilityEngine.Check(p, Woman(birth), history, second.AddMonths(1));
        Assert.Equal(EligibilityCodes.SeriesComplete, Assert.Single(result.Reasons).Code);
        Assert.Equal(2, result.SeriesLength);
    }

    [Fact]
    public void Walrinvax_stops_at_the_31st_birthday_while_Cecolin_goes_on()
    {
        var on = new DateOnly(2026, 5, 1);
        var person = Woman(on.AddYears(-31)); // "9–30 y": up to the day before the 31st birthday
        Assert.Equal(EligibilityCodes.TooOld, Assert.Single(EligibilityEngine.Check(catalogue["HPV2-WALRINVAX"], person, [], on).Reasons).Code);
        Assert.True(EligibilityEngine.Check(catalogue["HPV2-CECOLIN"], person, [], on).IsEligible);
    }

    [Fact]
    public void Covid_booster_three_months_after_the_second_dose_and_products_share_the_series()
    {
        var bibp = catalogue["COVID-BIBP"];
        var sinovac = catalogue["COVID-SINOVAC"];
        var person = new PersonFacts(new DateOnly(1980, 2, 29), Sex.Male);
        var d1 = new DateOnly(2025, 11, 30);
        var history = new List<DoseRecord> { new(bibp.Id, 1, d1) };

        // Dose 2 with the other inactivated vaccine: 21 days to 56 days after dose 1.
        Assert.Equal(d1.AddDays(21), EligibilityEngine.Check(sinovac, person, history, d1.AddDays(20)).EarliestDate);
        var second = EligibilityEngine.Check(sinovac, person, history, d1.AddDays(21));
        Assert.True(second.IsEligible);
        Assert.Equal(2, second.DoseNumber);
        Assert.False(second.IsBooster);

        var d2 = d1.AddDays(30);
        history.Add(new(sinovac.Id, 2, d2));
        var boosterDate = d2.AddMonths(3);
        var early = EligibilityEngine.Check(bibp, person, history, boosterDate.AddDays(-1));
        Assert.Equal(EligibilityCodes.TooEarly, Assert.Single(early.Reasons).Code);
        Assert.Equal(boosterDate, early.EarliestDate);
        var booster = EligibilityEngine.Check(bibp, person, history, boosterDate);
        Assert.True(booster.IsEligible);
        Assert.True(booster.IsBooster);
        Assert.Equal(3, booster.DoseNumber);
    }

    [Fact]
    public void Shingrix_second_dose_two_to_six_months()
    {
        var p = catalogue["HZ-SHINGRIX"];
        var first = new DateOnly(2026, 1, 31);
        var person = new PersonFacts(new DateOnly(1960, 7, 1), Sex.Male);
        var history = new List<DoseRecord> { new(p.Id, 1, first) };
        Assert.Equal(new DateOnly(2026, 3, 31), EligibilityEngine.Check(p, person, history, new DateOnly(2026, 3, 30)).EarliestDate);
        Assert.Empty(EligibilityEngine.Check(p, person, history, new DateOnly(2026, 7, 31)).Reasons);
        var late = EligibilityEngine.Check(p, person, history, new DateOnly(2026, 8, 1));
        Assert.True(late.IsEligible);
        Assert.Equal(EligibilityCodes.PastMaxInterval, Assert.Single(late.Reasons).Code);
        Assert.Equal(new DateOnly(2026, 7, 31), late.DueBy);
    }

    [Fact]
    public void Polio_series_IPV_then_bOPV()
    {
        var ipv = catalogue["IPV"];
        var bopv = catalogue["BOPV"];
        var series = catalogue.Series("IPV");
        var birth = new DateOnly(2025, 1, 10);
        var person = new PersonFacts(birth, Sex.Female);

        var bopvFirst = EligibilityEngine.Check(bopv, person, [], birth.AddMonths(2), null, series);
        Assert.Equal(EligibilityCodes.WrongProduct, Assert.Single(bopvFirst.Reasons).Code);

        var history = new List<DoseRecord> { new(ipv.Id, 1, birth.AddMonths(2)), new(ipv.Id, 2, birth.AddMonths(3)) };
        var ipvThird = EligibilityEngine.Check(ipv, person, history, birth.AddMonths(4), null, series);
        Assert.Equal(EligibilityCodes.WrongProduct, Assert.Single(ipvThird.Reasons).Code);
        Assert.Equal(4, ipvThird.SeriesLength);
        var bopvThird = EligibilityEngine.Check(bopv, person, history, birth.AddMonths(4), null, series);
        Assert.True(bopvThird.IsEligible);
        Assert.Equal(3, bopvThird.DoseNumber);

        var next = EligibilityEngine.NextDoseFor(ipv, person, history, birth.AddMonths(4), series, catalogue.ChildSchedule);
        Assert.Equal(bopv.Id, next.ProductId);
        Assert.Equal(3, next.DoseNumber);
        Assert.Equal(birth.AddMonths(4), next.DueDate);
        Assert.False(next.IsOverdue);
    }

    [Fact]
    public void Next_dose_is_due_at_the_interval_and_overdue_after()
    {
        var p = catalogue["HPV4-GARDASIL"];
        var person = Woman(new DateOnly(1995, 3, 3));
        var history = new List<DoseRecord> { new(p.Id, 1, new DateOnly(2026, 1, 10)) };
        var due = new DateOnly(2026, 3, 10);

        var onDue = EligibilityEngine.NextDoseFor(p, person, history, due, catalogue.Series(p.Code));
        Assert.Equal((2, due, false, false), (onDue.DoseNumber!.Value, onDue.DueDate!.Value, onDue.IsOverdue, onDue.IsComplete));
        Assert.True(EligibilityEngine.NextDoseFor(p, person, history, due.AddDays(1)).IsOverdue);
        Assert.False(EligibilityEngine.NextDoseFor(p, person, history, due.AddDays(-30)).IsOverdue);

        history.Add(new(p.Id, 2, due));
        history.Add(new(p.Id, 3, new DateOnly(2026, 7, 10)));
        var done = EligibilityEngine.NextDoseFor(p, person, history, new DateOnly(2026, 8, 1));
        Assert.True(done.IsComplete);
        Assert.Null(done.DoseNumber);
    }

    [Fact]
    public void Children_next_dose_uses_the_table_age_when_later_than_the_interval()
    {
        var hepb = catalogue["HEPB-CHILD"];
        var birth = new DateOnly(2026, 1, 5);
        var person = new PersonFacts(birth, Sex.Male);
        // HepB 1 at birth, 2 at 1 month: dose 3 is 5 months after dose 2 and at 6 months in the table.
        var history = new List<DoseRecord> { new(hepb.Id, 1, birth), new(hepb.Id, 2, birth.AddMonths(1).AddDays(10)) };
        var next = EligibilityEngine.NextDoseFor(hepb, person, history, birth.AddMonths(3), null, catalogue.ChildSchedule);
        Assert.Equal(3, next.DoseNumber);
        Assert.Equal(birth.AddMonths(6).AddDays(10), next.DueDate); // the interval (later) wins
        var onTime = new List<DoseRecord> { new(hepb.Id, 1, birth), new(hepb.Id, 2, birth.AddMonths(1)) };
        Assert.Equal(birth.AddMonths(6), EligibilityEngine.NextDoseFor(hepb, person, onTime, birth.AddMonths(3), null, catalogue.ChildSchedule).DueDate);
    }

    [Fact]
    public void Children_schedule_due_dates_and_statuses()
    {
        var birth = new DateOnly(2025, 8, 31);
        var today = new DateOnly(2026, 3, 15); // 6 months and a half
        var given = new List<GivenProgrammeDose> { new("HEPB", 1, birth), new("BCG", 1, birth), new("HEPB", 2, new DateOnly(2025, 9, 30)) };
        var items = EligibilityEngine.ChildrenSchedule(birth, catalogue.ChildSchedule, given, today);

        Assert.Equal(catalogue.ChildSchedule.Count, items.Count);
        Assert.Equal(items.OrderBy(i => i.AgeMonths).Select(i => i.AgeMonths), items.Select(i => i.AgeMonths));
        ChildScheduleItem Item(string code, int dose) => items.Single(i => i.ProgrammeCode == code && i.DoseNumber == dose);

        Assert.Equal(ChildScheduleStatus.Given, Item("HEPB", 2).Status);
        Assert.Equal(new DateOnly(2025, 9, 30), Item("HEPB", 2).GivenOn);
        Assert.Equal(new DateOnly(2025, 10, 31), Item("POLIO", 1).DueDate);
        Assert.Equal(ChildScheduleStatus.Overdue, Item("POLIO", 1).Status);
        Assert.Equal(new DateOnly(2026, 2, 28), Item("HEPB", 3).DueDate); // 6 months after Aug 31: month end
        Assert.Equal(ChildScheduleStatus.Overdue, Item("HEPB", 3).Status);
        Assert.Equal(new DateOnly(2026, 4, 30), Item("MMR", 1).DueDate);
        Assert.Equal(ChildScheduleStatus.Due, Item("MMR", 1).Status);
        Assert.Equal(new DateOnly(2031, 8, 31), Item("DT", 1).DueDate);
        Assert.Equal("HepB 3", Item("HEPB", 3).Label.En);

        var onDueDay = EligibilityEngine.ChildrenSchedule(birth, catalogue.ChildSchedule, given, new DateOnly(2025, 10, 31));
        Assert.Equal(ChildScheduleStatus.Due, onDueDay.Single(i => i.ProgrammeCode == "POLIO" && i.DoseNumber == 1).Status);
    }

    [Theory]
    [InlineData("2000-01-31", "2000-02-28", 0)]
    [InlineData("2000-01-31", "2000-02-29", 1)]  // AddMonths clamps to the month's end
    [InlineData("2004-02-29", "2013-02-28", 108)] // a leap-day birth turns 9 on 28 February
    [InlineData("2004-02-29", "2013-02-27", 107)]
    [InlineData("2010-05-20", "2010-05-19", -1)]
    public void Age_in_calendar_months(string birth, string on, int months) =>
        Assert.Equal(months, EligibilityEngine.AgeInMonths(DateOnly.Parse(birth), DateOnly.Parse(on)));

    [Fact]
    public void Reasons_are_bilingual_and_all_listed()
    {
        var p = catalogue["HPV9-GARDASIL9"];
        var on = new DateOnly(2026, 5, 1);
        var result = EligibilityEngine.Check(p, new PersonFacts(on.AddYears(-5), Sex.Male), [], on);
        Assert.Equal([EligibilityCodes.Sex, EligibilityCodes.TooYoung], result.Reasons.Select(r => r.Code));
        var message = EligibilityEngine.Describe(result);
        Assert.Contains("女性", message.Zh);
        Assert.Contains("women", message.En);
        Assert.Contains("9周岁", message.Zh);
        Assert.Contains("9 years", message.En);
        Assert.Null(result.EarliestDate);
    }
}
