using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Areas;
using Portal.Core.Employers;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Waitlist;

namespace Portal.Core.Identity;

/// <summary>Where a row lies as the data scope sees it: the district and the site it belongs to, and the employer whose
/// staff it concerns. What a row does not have stays null: an area or a campaign has no site, a site has no employer.</summary>
public readonly record struct ScopePlace(string? DistrictCode, long? SiteId, long? EmployerId);

/// <summary>
/// The data scope as one query filter: which rows a <see cref="StaffScope"/> may see, for every service, page, export
/// and hub method (docs/decisions/0011-data-scope-filter.md). <see cref="Rule"/> is the only code that tells the scope
/// kinds apart; the rest of this class says where each kind of row lies (<see cref="ScopePlace"/>) and applies the rule
/// to it, in SQL through the <c>WithinScope</c> extensions and in memory (the live screens' counters and events)
/// through <see cref="Predicate"/>.
/// </summary>
/// <remarks>Rows recorded at a site that carry no place of their own (slots, templates, closures, appointments, archive
/// requests) are within the scope when their site is: <see cref="AtSitesWithinScope"/> filters them through
/// <see cref="WithinScope(IQueryable{Site}, StaffScope)"/>.</remarks>
public static class DataScope
{
    /// <summary>The rule. The city sees everything; a district what lies in it; a site what lies at it; an employer what
    /// concerns its staff. A scope that names none of these (missing or malformed claims) sees nothing, never the city.
    /// So an area or a campaign lies within the city or its own district only, and a site within no employer's scope
    /// (an employer's staff are vaccinated anywhere).</summary>
    public static Expression<Func<ScopePlace, bool>> Rule(StaffScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.IsValid)
            return _ => false;
        switch (scope.Kind)
        {
            case DataScopeKind.City:
                return _ => true;
            case DataScopeKind.District:
                var district = scope.DistrictCode!.Trim();
                return p => p.DistrictCode == district;
            case DataScopeKind.Site:
                var site = scope.SiteId;
                return p => p.SiteId == site;
            case DataScopeKind.Employer:
                var employer = scope.EmployerId;
                return p => p.EmployerId == employer;
            default:
                return _ => false;
        }
    }

    /// <summary><see cref="Rule"/> compiled, for rows already in memory. Compiling costs tens of microseconds: keep the
    /// delegate for as long as the scope is used.</summary>
    public static Func<ScopePlace, bool> Predicate(StaffScope scope) => Rule(scope).Compile();

    /// <summary>The rows whose <paramref name="place"/> lies within the scope. <paramref name="place"/> must be a
    /// constructor call, <c>r =&gt; new ScopePlace(r.DistrictCode, r.SiteId, null)</c>: its arguments replace the place's
    /// members in <see cref="Rule"/>, so the database sees a plain condition on the row's own columns.</summary>
    public static IQueryable<T> WithinScope<T>(this IQueryable<T> rows, StaffScope scope, Expression<Func<T, ScopePlace>> place)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(place);
        return rows.Where(Bind(Rule(scope), place));
    }

    /// <summary>The sites the scope sees: the city all, a district its own, a site itself, an employer none.</summary>
    public static IQueryable<Site> WithinScope(this IQueryable<Site> sites, StaffScope scope) =>
        sites.WithinScope(scope, s => new ScopePlace(s.DistrictCode, s.Id, null));

    /// <summary>Rows recorded at a site (slots, templates, closures, appointments, archive requests): within the scope
    /// when their site is. A row without a site (<paramref name="siteOf"/> gives null) is not.</summary>
    public static IQueryable<T> AtSitesWithinScope<T>(this IQueryable<T> rows, StaffScope scope, DbContext db, Expression<Func<T, long?>> siteOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(siteOf);
        var seen = db.Set<Site>().WithinScope(scope).Select(s => (long?)s.Id);
        // r => seen.Contains(siteOf(r)): one IN (subquery) on the row's site column.
        Expression<Func<long?, bool>> contains = id => seen.Contains(id);
        var body = new ParameterReplacer(contains.Parameters[0], siteOf.Body).Visit(contains.Body);
        return rows.Where(Expression.Lambda<Func<T, bool>>(body, siteOf.Parameters));
    }

    /// <summary>Doses the scope sees: given at a site it sees, or, for an employer, to a member of its staff (the person's
    /// employer now, as the console's list has always read it). The district and site are the copies on the injection
    /// (the site's, at the time of the dose), the columns the daily counters and the live events carry as well, so a
    /// screen and the list count the same doses.</summary>
    public static IQueryable<Injection> WithinScope(this IQueryable<Injection> injections, StaffScope scope, DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var residents = db.Set<Resident>();
        return injections.WithinScope(scope, i => new ScopePlace(i.DistrictCode, i.SiteId,
            residents.Where(r => r.Id == i.ResidentId).Select(r => r.EmployerId).FirstOrDefault()));
    }

    /// <summary>Districts the scope covers whole: all for the city, its own for a district, none for a site or employer.</summary>
    public static IQueryable<District> WithinScope(this IQueryable<District> districts, StaffScope scope) =>
        districts.WithinScope(scope, d => new ScopePlace(d.Code, null, null));

    /// <summary>Streets of the districts the scope covers.</summary>
    public static IQueryable<Street> WithinScope(this IQueryable<Street> streets, StaffScope scope) =>
        streets.WithinScope(scope, s => new ScopePlace(s.DistrictCode, null, null));

    /// <summary>Employers the scope sees: the city all, a district those registered in it, an employer itself.</summary>
    public static IQueryable<Employer> WithinScope(this IQueryable<Employer> employers, StaffScope scope) =>
        employers.WithinScope(scope, e => new ScopePlace(e.DistrictCode, null, e.Id));

    /// <summary>Waitlist campaigns the scope sees: the city all (city-wide ones too), a district its own.</summary>
    public static IQueryable<WaitlistCampaign> WithinScope(this IQueryable<WaitlistCampaign> campaigns, StaffScope scope) =>
        campaigns.WithinScope(scope, c => new ScopePlace(c.DistrictCode, null, null));

    private static Expression<Func<T, bool>> Bind<T>(Expression<Func<ScopePlace, bool>> rule, Expression<Func<T, ScopePlace>> place)
    {
        if (place.Body is not NewExpression { Constructor: { } constructor } created)
            throw new ArgumentException("The place must be written as new ScopePlace(district, site, employer).", nameof(place));
        var arguments = constructor.GetParameters()
            .Select((p, i) => (p.Name!, created.Arguments[i]))
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        var body = new PlaceReplacer(rule.Parameters[0], arguments).Visit(rule.Body);
        return Expression.Lambda<Func<T, bool>>(body, place.Parameters);
    }

    /// <summary>Replaces <c>p.DistrictCode</c>, <c>p.SiteId</c> and <c>p.EmployerId</c> of the rule's parameter with the
    /// row's expressions (the record's constructor parameters are named as its properties).</summary>
    private sealed class PlaceReplacer(ParameterExpression place, IReadOnlyDictionary<string, Expression> arguments) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Expression == place && node.Member is PropertyInfo property && arguments.TryGetValue(property.Name, out var argument)
                ? argument
                : base.VisitMember(node);

        protected override Expression VisitParameter(ParameterExpression node) => node == place
            ? throw new InvalidOperationException("The rule may only read the place's members.")
            : base.VisitParameter(node);
    }

    private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : base.VisitParameter(node);
    }
}
