using System.Net.Http.Json;
using System.Text.Json;
using Portal.Api;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Sites;
using Portal.Tests.TestSupport;
using Portal.Tests.Unit;

namespace Portal.Tests.Integration;

/// <summary>The OpenAPI document lists each operation's error responses from the catalogues (ADR 0010): every operation
/// carries x-error-codes, every code listed is a catalogue member with the catalogue's status and wording, and each
/// error status is a documented problem response that names its codes.</summary>
public sealed class OpenApiErrorCodesTests : IAsyncLifetime
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private readonly PortalFactory _factory = PortalFactory.Sqlite();
    private JsonElement _document;

    public async Task InitializeAsync() => _document = await _factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        _document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(op => Methods.Contains(op.Name))
            .Select(op => (path.Name, op.Name, op.Value)));

    private static List<JsonElement> Listed(JsonElement element) =>
        element.TryGetProperty(ErrorResponses.Extension, out var list) ? [.. list.EnumerateArray()] : [];

    [Fact]
    public void Every_operation_lists_its_error_codes_each_one_from_a_catalogue()
    {
        var catalogue = ErrorCatalogueTests.Members().ToDictionary(m => m.Error.Code, m => m.Error);
        var operations = Operations().ToList();
        Assert.True(operations.Count >= 50, $"only {operations.Count} operations in the document");
        var undeclared = operations.Where(o => !o.Operation.TryGetProperty(ErrorResponses.Extension, out _))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToList();
        Assert.True(undeclared.Count == 0, "operations without x-error-codes (add .ProducesErrors(...)):\n" + string.Join('\n', undeclared));

        foreach (var (path, method, operation) in operations)
            foreach (var entry in Listed(operation))
            {
                var where = $"{method.ToUpperInvariant()} {path}";
                var code = entry.GetProperty("code").GetString()!;
                Assert.True(catalogue.TryGetValue(code, out var error), $"{where}: {code} is in no catalogue");
                var status = entry.GetProperty("status").GetInt32();
                Assert.Equal(ProblemWriter.StatusOf(error.Kind), status);
                Assert.Equal(error.Zh, entry.GetProperty("titleZh").GetString());
                Assert.Equal(error.En, entry.GetProperty("titleEn").GetString());
                // The status is a documented problem response, and that response names the code too.
                Assert.True(operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response),
                    $"{where}: no {status} response for {code}");
                Assert.Contains(Listed(response), e => e.GetProperty("code").GetString() == code);
                Assert.Contains($"`{code}`", response.GetProperty("description").GetString());
            }
    }

    [Fact]
    public void Booking_lists_slot_full_already_booked_and_what_its_filters_add()
    {
        var book = Operation("/api/v1/appointments", "post");
        var codes = Listed(book).Select(e => e.GetProperty("code").GetString()).ToList();
        foreach (var error in new[] { BookingErrors.SlotFull, BookingErrors.AlreadyBooked, BookingErrors.SlotNotReleased,
                     BookingErrors.IdempotencyKeyReused, BookingErrors.IdempotencyInFlight, CommonErrors.RateLimited })
            Assert.Contains(error.Code, codes);
        var conflict = book.GetProperty("responses").GetProperty("409").GetProperty("description").GetString()!;
        Assert.Contains("`slot_full`: 该时段已约满 / This slot is fully booked", conflict);
        Assert.Contains("`already_booked`", conflict);
        Assert.True(book.GetProperty("responses").TryGetProperty("429", out _));
        Assert.True(book.GetProperty("responses").TryGetProperty("422", out _));
    }

    [Fact]
    public void Spot_checks_pda_sign_in_clinic_details_and_an_operation_without_domain_errors()
    {
        var login = Listed(Operation("/api/v1/pda/login", "post")).Select(e => e.GetProperty("code").GetString()).ToList();
        foreach (var error in new[] { IdentityErrors.BadCredentials, IdentityErrors.SignInBlocked, IdentityErrors.AccountLocked, IdentityErrors.NotADoctor })
            Assert.Contains(error.Code, login);
        Assert.DoesNotContain(BookingErrors.SlotFull.Code, login);

        var clinic = Operation("/api/v1/clinics/{id}", "get");
        Assert.Contains(Listed(clinic), e => e.GetProperty("code").GetString() == SitesErrors.SiteNotFound.Code && e.GetProperty("status").GetInt32() == 404);

        // Declared empty, not forgotten.
        Assert.Empty(Listed(Operation("/api/v1/knowledge", "get")));
    }

    private JsonElement Operation(string path, string method)
    {
        var paths = _document.GetProperty("paths");
        var match = paths.EnumerateObject().FirstOrDefault(p => p.Name.TrimEnd('/') == path.TrimEnd('/'));
        Assert.True(match.Value.ValueKind == JsonValueKind.Object, $"{path} is not in the document: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        return match.Value.GetProperty(method);
    }
}
