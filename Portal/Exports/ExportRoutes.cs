using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Portal.Core.Injections.Queries;

namespace Portal.Exports;

/// <summary>Routes and query parameters of the file exports (GET, cookie-authenticated, opened as plain links).</summary>
public static class ExportRoutes
{
    public const string Prefix = "/exports";
    public const string InjectionsFile = "/injections.xlsx";
    public const string Injections = Prefix + InjectionsFile;

    public const string From = "from";
    public const string To = "to";
    public const string District = "district";
    public const string Site = "site";
    public const string Programme = "programme";
    public const string Product = "product";
    public const string Dose = "dose";
    public const string Text = "q";

    /// <summary>/exports/injections.xlsx with the filter's criteria (dates as yyyy-MM-dd); paging is not part of an export.</summary>
    public static string InjectionsUrl(InjectionFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new Dictionary<string, string?>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                query[name] = value.Trim();
        }

        Add(From, filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(To, filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(District, filter.DistrictCode);
        Add(Site, filter.SiteId?.ToString(CultureInfo.InvariantCulture));
        Add(Programme, filter.ProgrammeId?.ToString(CultureInfo.InvariantCulture));
        Add(Product, filter.ProductId?.ToString(CultureInfo.InvariantCulture));
        Add(Dose, filter.DoseNumber?.ToString(CultureInfo.InvariantCulture));
        Add(Text, filter.Text);
        return QueryHelpers.AddQueryString(Injections, query);
    }
}
