using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Portal.Data;
using Portal.Data.Seed;
using Portal.Tests.TestSupport;
using Xunit.Abstractions;

namespace Portal.Tests.Security;

/// <summary>
/// Every operation of the portal's OpenAPI document, called by a caller it lets in, with every parameter and every
/// body field (objects followed one level down) sent missing, null, of the wrong type, at and one past its
/// <c>maxLength</c>, 100,000 characters long (parameters: as long as a URL can be), with NUL, a control character, a
/// lone surrogate, a bidi override, invalid UTF-8, overflowing and fractional numbers, undefined enums and impossible
/// or extreme dates; and each body empty, <c>null</c>, an array, not JSON, nested 10,000 deep, as text/plain (415) and
/// 5 MB with and without a Content-Length (413). No answer may be a 5xx; every 4xx with a body is
/// <c>application/problem+json</c>; a case the rules must refuse (see <see cref="Expect"/>) is a 400 whose field errors
/// name the field, or a 413 (for a route value or a whole body, any 4xx). Then every string column of the database is scanned:
/// nothing longer than its column's length, nothing holding NUL. Counts go to the test output.
/// Not sent: NUL in a route value (Kestrel refuses it before the app, and the test host cannot carry it), query
/// parameters longer than System.Uri allows, headers (the document declares none).
/// </summary>
public abstract class MalformedInputSweepTests(ITestOutputHelper output) : PortalOnProvider
{
    /// <summary>The rate limiter answers before the input rules do: a case it stopped would have tested nothing.</summary>
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["RateLimits:Enabled"] = "false" };

    /// <summary>Who is tried, in this order, for each operation: the first that gets past authorization calls it.</summary>
    private static readonly string[] CallerOrder = [SweepIdentities.Anonymous, SweepIdentities.Resident, SweepIdentities.Pda, "cdc", "sysadmin"];

    private const int FiveMegabytes = 5 * 1024 * 1024;

    /// <summary>System.Uri refuses strings over 65,519 characters: the longest parameter the sweep can send.</summary>
    private const int LongestParameter = 60_000;

    private IReadOnlyList<SweepIdentity> identities = [];

    /// <summary>Ids the schema cannot give (see <see cref="KnownIdsAsync"/>), by the field or parameter name they fill.</summary>
    private IReadOnlyDictionary<string, long> known = new Dictionary<string, long>();

    protected override async Task ArrangeAsync()
    {
        identities = await SweepIdentities.SignInAllAsync(Factory);
        known = await KnownIdsAsync();
    }

    /// <summary>
    /// So that a baseline gets past its handler's first lookup, and a case's value reaches the service and the
    /// database, ids are taken from the portal's own answers: the signed-in resident's first family member (the demo
    /// child, registered here: residentId), and the first bookable slot of a product the child may have (siteId,
    /// preferredSiteId; slotId; productId). Every other value is the schema's: "1" for text, 1 for numbers, the first
    /// enum value, today for dates.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, long>> KnownIdsAsync()
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        var resident = identities.Single(i => i.Name == SweepIdentities.Resident).Client;
        // The demo child's archive names the demo guardian's phone: registering the child attaches it at once.
        using (var registered = await resident.PostAsJsonAsync("/api/v1/me/residents", new
        {
            name = DemoDataSeeder.DemoChildName, idKind = "ResidentIdCard", idNumber = DemoDataSeeder.DemoChildIdNumber(), relationship = "Child",
        }))
            Assert.True(registered.IsSuccessStatusCode, $"the demo child could not be registered: {(int)registered.StatusCode}");
        var members = JsonDocument.Parse(await resident.GetStringAsync("/api/v1/me/residents")).RootElement;
        ids["residentId"] = members[0].GetProperty("residentId").GetInt64();
        var anonymous = identities.Single(i => i.Name == SweepIdentities.Anonymous).Client;
        var today = DateOnly.ParseExact(Today, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var site in JsonDocument.Parse(await anonymous.GetStringAsync("/api/v1/sites")).RootElement.EnumerateArray())
        {
            var id = site.GetProperty("id").GetInt64();
            var slots = JsonDocument.Parse(await anonymous.GetStringAsync(
                $"/api/v1/sites/{id}/slots?from={Today}&to={today.AddDays(3):yyyy-MM-dd}")).RootElement;
            foreach (var slot in slots.EnumerateArray().Where(s => s.GetProperty("isBookable").GetBoolean()))
            {
                var product = slot.GetProperty("productId").GetInt64();
                var eligibility = JsonDocument.Parse(await resident.GetStringAsync(
                    $"/api/v1/me/eligibility?residentId={ids["residentId"]}&productId={product}&date={slot.GetProperty("date").GetString()}")).RootElement;
                if (!eligibility.GetProperty("isEligible").GetBoolean()) continue;
                ids["siteId"] = ids["preferredSiteId"] = id;
                ids["slotId"] = slot.GetProperty("id").GetInt64();
                ids["productId"] = product;
                break;
            }
            if (ids.ContainsKey("slotId")) break;
        }

        Assert.True(ids.ContainsKey("slotId"), "no site has a slot the demo child may book to sweep with");
        return ids;
    }

    [SkippableFact]
    public async Task Every_operation_refuses_malformed_input_without_a_5xx_and_nothing_past_a_column_limit_is_stored()
    {
        SkipUnlessAvailable();
        var started = DateTime.UtcNow;
        var before = await RowCountsAsync();
        var document = JsonDocument.Parse(await identities[0].Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var operations = OpenApi.Operations(document);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var baselines = new SortedDictionary<int, int>();
        var byExpectation = new Dictionary<Expect, int>();
        var callers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int cases = 0, fields = 0, parameters = 0, bodiless = 0;

        foreach (var operation in operations)
        {
            var baseline = Baseline(operation);
            var (caller, baselineStatus) = await CallerForAsync(operation, baseline, failures);
            if (caller is null) continue;
            baselines[baselineStatus] = baselines.GetValueOrDefault(baselineStatus) + 1;
            callers[caller.Name] = callers.GetValueOrDefault(caller.Name) + 1;
            parameters += operation.Parameters.Count;
            fields += operation.Body is null ? 0 : Fields(operation.Body).Count();
            foreach (var (target, variant, request, expect) in Cases(operation, baseline))
            {
                cases++;
                byExpectation[expect] = byExpectation.GetValueOrDefault(expect) + 1;
                var (status, problem) = await SendAsync(caller.Client, request);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 400 && problem.Length == 0) bodiless++;
                if (Judge(status, problem, target, expect) is { } why)
                    failures.Add($"{operation.Method} {operation.Path} [{target.In} {target.Name}] {variant} as {caller.Name}: {why}; {status} {problem.ContentType} {problem.Body}");
            }
        }

        // The sweep's answers mean something only if every caller was still signed in at its end.
        foreach (var (name, url) in new[] { (SweepIdentities.Resident, "/api/v1/me/residents"), ("cdc", "/exports/injections.xlsx") })
        {
            using var response = await identities.Single(i => i.Name == name).Client.GetAsync(url);
            if (!response.IsSuccessStatusCode) failures.Add($"{name} was signed out during the sweep: GET {url} answered {(int)response.StatusCode}");
        }

        var (tables, columns, stored) = await ScanStoredTextAsync();
        var after = await RowCountsAsync();
        failures.AddRange(stored);

        output.WriteLine($"{Provider}: {operations.Count} operations ({operations.Count(o => o.Body is not null)} with a JSON body), "
            + $"{parameters} parameters, {fields} body fields; {cases} cases in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        output.WriteLine("callers: " + string.Join(", ", callers.Select(c => $"{c.Key} {c.Value}")));
        output.WriteLine("cases by expectation: " + string.Join(", ", byExpectation.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}")));
        output.WriteLine("baseline answers: " + string.Join(", ", baselines.Select(s => $"{s.Key}×{s.Value}")));
        output.WriteLine("answers: " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")) + $"; errors without a body: {bodiless}");
        output.WriteLine($"stored text scanned: {tables} tables, {columns} string columns, {after.Values.Sum()} rows; the sweep added "
            + string.Join(", ", after.Where(t => t.Value != before.GetValueOrDefault(t.Key)).Select(t => $"{t.Key} {t.Value - before.GetValueOrDefault(t.Key):+0;-0}")));

        Assert.True(operations.Count >= 40 && cases >= 20 * operations.Count && columns > 0,
            $"the sweep found too little to sweep: {operations.Count} operations, {cases} cases, {columns} columns");
        Assert.True(failures.Count == 0, $"{failures.Count} failure(s) in {cases} cases over {operations.Count} operations:\n" + string.Join('\n', failures));
    }

    /// <summary>What a case's answer must be besides never a 5xx (and, for a 4xx with a body, ProblemDetails).</summary>
    private enum Expect
    {
        /// <summary>May be accepted: missing or null optional values, extreme but valid numbers and dates, text at its limit.</summary>
        Answered,
        /// <summary>The rules must refuse it: a 4xx (past the limit, forbidden characters, wrong types, overflows, undefined enums).</summary>
        Refused,
        /// <summary>A body over the route's limit: exactly 413.</summary>
        TooLarge,
        /// <summary>A body that is not JSON by its content type: exactly 415.</summary>
        Unsupported,
    }

    private static string? Judge(int status, Problem problem, Target target, Expect expect)
    {
        if (status >= 500) return "server error";
        if (status is 401 or 403 && problem.Code is null or "unauthorized" or "forbidden") return "the caller was refused: the case tested nothing";
        if (status >= 400 && problem.Length > 0 && problem.ContentType != "application/problem+json") return "an error that is not ProblemDetails";
        if (problem.Code == NotJson) return "ProblemDetails that are not JSON";
        return expect switch
        {
            Expect.Refused when status < 400 => "accepted what the rules must refuse",
            // A route value that is not a long does not match the route: 404 or 405 are refusals. Elsewhere a refusal
            // is the edge's (or the JSON reader's) 400 naming the field, or 413 for a body over the limit: anything
            // else came from a handler the value should never have reached, or blamed the baseline's other fields.
            Expect.Refused when target.In != "path" && target.In != "body" && status != 413 && !(status == 400 && problem.Names(target.Name)) =>
                "refused, but not by the rules for this field",
            Expect.TooLarge when status != 413 => "expected 413",
            Expect.Unsupported when status != 415 => "expected 415",
            _ => null,
        };
    }

    /// <summary>What a case changed: a parameter ("path", "query"), a body field ("field", dotted) or the whole "body".</summary>
    private sealed record Target(string In, string Name);

    // ---- callers ---------------------------------------------------------------------------------------------------

    private async Task<(SweepIdentity? Caller, int Status)> CallerForAsync(Operation operation, Values baseline, List<string> failures)
    {
        var answers = new List<string>();
        foreach (var name in CallerOrder)
        {
            var identity = identities.Single(i => i.Name == name);
            var (status, problem) = await SendAsync(identity.Client, baseline.Request(operation));
            if (status >= 500)
                failures.Add($"{operation.Method} {operation.Path} [baseline] as {name}: server error; {status} {problem.Body}");
            if (!(status is 401 or 403 && problem.Code is null or "unauthorized" or "forbidden")) return (identity, status);
            answers.Add($"{name} {status}");
        }

        failures.Add($"{operation.Method} {operation.Path}: no caller gets past authorization ({string.Join(", ", answers)})");
        return (null, 0);
    }

    // ---- requests --------------------------------------------------------------------------------------------------

    private sealed record Problem(string? ContentType, int Length, string Body, string? Code, IReadOnlyList<string> Fields)
    {
        /// <summary>True when the problem's field errors blame <paramref name="field"/> (a.b: also b, which is how the
        /// edge names a nested field; answers: also answers.key).</summary>
        public bool Names(string field)
        {
            var names = new[] { field, field.Split('.')[^1] };
            return Fields.Any(f => names.Any(n => f == n || f.StartsWith(n + ".", StringComparison.Ordinal) || f.StartsWith(n + "[", StringComparison.Ordinal)));
        }
    }

    private const string NotJson = "(not JSON)";

    private static async Task<(int Status, Problem Problem)> SendAsync(HttpClient client, Request request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        if (request.Body is { } body)
        {
            HttpContent content = request.Chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
            message.Content = content;
        }

        using var response = await client.SendAsync(message);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var type = response.Content.Headers.ContentType?.MediaType;
        var text = type is null || type.Contains("json", StringComparison.Ordinal) || type.StartsWith("text/", StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4096)) : $"({bytes.Length} bytes)";
        string? code = null;
        var fields = new List<string>();
        if (type == "application/problem+json")
        {
            try
            {
                using var json = JsonDocument.Parse(bytes);
                code = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                    fields.AddRange(errors.EnumerateObject().Select(e => e.Name));
            }
            catch (JsonException)
            {
                code = NotJson;
            }
        }

        return ((int)response.StatusCode, new Problem(type, bytes.Length, text.Length > 300 ? text[..300] : text, code, fields));
    }

    /// <summary>A body sent without a Content-Length, so that only counting the bytes read can stop it.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed record Request(string Method, string Url, byte[]? Body, string ContentType = "application/json", bool Chunked = false);

    /// <summary>One request's parameters (already URL-encoded; null: left out) and body.</summary>
    private sealed record Values(IReadOnlyDictionary<string, string?> Parameters, Node? Body)
    {
        public Request Request(Operation operation, byte[]? body = null, string contentType = "application/json", bool chunked = false)
        {
            var path = operation.Path;
            var query = new List<string>();
            foreach (var parameter in operation.Parameters)
            {
                var value = Parameters[parameter.Name];
                if (parameter.In == "path") path = path.Replace("{" + parameter.Name + "}", value ?? "", StringComparison.Ordinal);
                else if (value is not null) query.AddRange(value.Split('\n').Select(v => Uri.EscapeDataString(parameter.Name) + "=" + v));
            }

            var url = query.Count == 0 ? path : path + "?" + string.Join('&', query);
            return new(operation.Method, url, body ?? (Body is null ? null : Encoding.UTF8.GetBytes(Body.Render())), contentType, chunked);
        }

        public Values With(string parameter, string? value) =>
            this with { Parameters = new Dictionary<string, string?>(Parameters) { [parameter] = value } };
    }

    // ---- the cases -------------------------------------------------------------------------------------------------

    /// <summary>Route values are 1 (the first row of every table); query parameters and the body's required fields get
    /// <see cref="known"/> ids where they name one, else the schema's values; optional fields are left out (their
    /// cases add them).</summary>
    private Values Baseline(Operation operation) => new(
        operation.Parameters.ToDictionary(p => p.Name,
            p => (string?)(p.In != "path" && known.TryGetValue(p.Name, out var id) ? id.ToString(CultureInfo.InvariantCulture) : ParameterBaseline(p.Shape)),
            StringComparer.Ordinal),
        operation.Body is null ? null : BodyBaseline(operation.Body, known));

    private static string ParameterBaseline(Shape shape) => shape.Kind switch
    {
        Kind.Integer or Kind.Number => "1",
        Kind.Date => Today,
        Kind.DateTime => Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
        Kind.Enum => Uri.EscapeDataString(shape.Enum[0]),
        Kind.Boolean => "true",
        _ => "1",
    };

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Node BodyBaseline(Shape shape, IReadOnlyDictionary<string, long>? known = null) => shape.Kind switch
    {
        // Optional objects and arrays stay, so that the cases of their own fields have somewhere to go.
        Kind.Object => new ObjectNode([.. shape.Members.Where(m => m.Required || m.Shape.Kind is Kind.Object or Kind.Array)
            .Select(m => (m.Name, known?.TryGetValue(m.Name, out var id) == true && m.Shape.Kind == Kind.Integer
                ? new RawNode(id.ToString(CultureInfo.InvariantCulture)) : BodyBaseline(m.Shape)))]),
        Kind.Map => new ObjectNode([("a", new RawNode("\"1\""))]),
        Kind.Array => new ArrayNode([BodyBaseline(shape.Items!)]),
        Kind.Integer or Kind.Number => new RawNode("1"),
        Kind.Boolean => new RawNode("true"),
        Kind.Enum => new RawNode(JsonSerializer.Serialize(shape.Enum[0])),
        Kind.Date => new RawNode($"\"{Today}\""),
        Kind.DateTime => new RawNode(JsonSerializer.Serialize(DateTimeOffset.UtcNow)),
        _ => new RawNode("\"1\""),
    };

    private static IEnumerable<(Target Target, string Variant, Request Request, Expect Expect)> Cases(Operation operation, Values baseline)
    {
        foreach (var parameter in operation.Parameters)
        {
            var variants = parameter.In == "path" ? PathVariants() : QueryVariants(parameter.Shape);
            foreach (var (variant, value, expect) in variants)
                yield return (new(parameter.In, parameter.Name), variant, baseline.With(parameter.Name, value).Request(operation), expect);
        }

        if (operation.Body is not { } body) yield break;
        foreach (var (path, shape) in Fields(body))
        {
            var target = string.Join('.', path);
            foreach (var (variant, replacement, expect) in BodyVariants(shape))
            {
                var json = baseline.Body!.Replace(path, replacement);
                yield return (new("field", target), variant, baseline.Request(operation, body: json.Bytes()), expect);
            }
        }

        var valid = Encoding.UTF8.GetBytes(baseline.Body!.Render());
        var huge = Encoding.UTF8.GetBytes(baseline.Body!.Replace(["pad"], new RawNode($"\"{new string('x', FiveMegabytes)}\"")).Render());
        var wholeBody = new (string Variant, byte[] Body, string ContentType, bool Chunked, Expect Expect)[]
        {
            ("empty", [], "application/json", false, Expect.Refused),
            ("null", "null"u8.ToArray(), "application/json", false, Expect.Refused),
            ("an array", "[]"u8.ToArray(), "application/json", false, Expect.Refused),
            ("a string", "\"x\""u8.ToArray(), "application/json", false, Expect.Refused),
            ("cut short", valid[..^1], "application/json", false, Expect.Refused),
            ("not JSON", "name=x&a=1"u8.ToArray(), "application/json", false, Expect.Refused),
            ("invalid UTF-8", [.. "{\"a\":\""u8, 0xFF, 0xFE, .. "\"}"u8], "application/json", false, Expect.Refused),
            ("nested 10,000 deep", Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)), "application/json", false, Expect.Refused),
            ("as text/plain", valid, "text/plain", false, Expect.Unsupported),
            ("5 MB", huge, "application/json", false, Expect.TooLarge),
            ("5 MB chunked", huge, "application/json", true, Expect.TooLarge),
        };
        foreach (var (variant, bytes, contentType, chunked, expect) in wholeBody)
            yield return (new("body", ""), variant, baseline.Request(operation, bytes, contentType, chunked), expect);
    }

    /// <summary>Every field of a body: its top-level members, and those of an object or array one level down.</summary>
    private static IEnumerable<(string[] Path, Shape Shape)> Fields(Shape body)
    {
        if (body.Kind != Kind.Object)
        {
            yield return ([], body);
            yield break;
        }

        foreach (var member in body.Members)
        {
            yield return ([member.Name], member.Shape);
            if (member.Shape.Kind == Kind.Object)
                foreach (var inner in member.Shape.Members) yield return ([member.Name, inner.Name], inner.Shape);
            else if (member.Shape is { Kind: Kind.Array, Items: { } items })
                yield return ([member.Name, "[0]"], items);
        }
    }

    private static RawNode Json(string text) => new(text);

    /// <summary>A JSON string literal written by hand: <paramref name="escaped"/> may hold escapes such as \ud800 that
    /// no serializer writes.</summary>
    private static RawNode JsonString(string escaped) => new($"\"{escaped}\"");

    private static IEnumerable<(string Variant, Node? Value, Expect Expect)> BodyVariants(Shape shape)
    {
        yield return ("missing", null, Expect.Answered);
        yield return ("null", Json("null"), Expect.Answered);
        switch (shape.Kind)
        {
            case Kind.String:
                yield return ("a number", Json("1"), Expect.Refused);
                yield return ("a boolean", Json("true"), Expect.Refused);
                yield return ("an object", Json("{}"), Expect.Refused);
                yield return ("an array", Json("[\"1\"]"), Expect.Refused);
                yield return ("empty", JsonString(""), Expect.Answered);
                if (shape.MaxLength is { } max)
                {
                    yield return ($"at maxLength {max}", JsonString(new string('x', max)), Expect.Answered);
                    yield return ($"maxLength {max} + 1", JsonString(new string('x', max + 1)), Expect.Refused);
                }
                yield return ("100,000 characters", JsonString(new string('x', 100_000)), Expect.Refused);
                foreach (var (variant, escaped) in BadText) yield return (variant, JsonString(escaped), Expect.Refused);
                break;
            case Kind.Integer or Kind.Number:
                yield return ("a string", JsonString("abc"), Expect.Refused);
                yield return ("a boolean", Json("true"), Expect.Refused);
                yield return ("an object", Json("{}"), Expect.Refused);
                yield return ("an array", Json("[1]"), Expect.Refused);
                yield return ("1e400", Json("1e400"), Expect.Refused);
                yield return ("-1", Json("-1"), Expect.Answered);
                yield return ("0", Json("0"), Expect.Answered);
                if (shape.Kind == Kind.Integer)
                {
                    yield return ("9223372036854775808", Json("9223372036854775808"), Expect.Refused);
                    yield return ("-9223372036854775809", Json("-9223372036854775809"), Expect.Refused);
                    yield return ("1.5", Json("1.5"), Expect.Refused);
                    yield return ("int64 max", Json("9223372036854775807"), shape.Format == "int32" ? Expect.Refused : Expect.Answered);
                    if (shape.Format == "int32") yield return ("2147483648", Json("2147483648"), Expect.Refused);
                }
                break;
            case Kind.Enum:
                yield return ("undefined number 99", Json("99"), Expect.Refused);
                yield return ("undefined name", JsonString("Nope"), Expect.Refused);
                yield return ("empty", JsonString(""), Expect.Refused);
                yield return ("an object", Json("{}"), Expect.Refused);
                yield return ("with NUL", JsonString(shape.Enum[0] + "\\u0000"), Expect.Refused);
                break;
            case Kind.Date or Kind.DateTime:
                var time = shape.Kind == Kind.DateTime ? "T00:00:00Z" : "";
                yield return ("month 13 day 45", JsonString("2026-13-45" + time), Expect.Refused);
                yield return ("not a date", JsonString("yesterday"), Expect.Refused);
                yield return ("a number", Json("20260101"), Expect.Refused);
                yield return ("year 1", JsonString("0001-01-01" + time), Expect.Answered);
                yield return ("year 9999", JsonString("9999-12-31" + time), Expect.Answered);
                break;
            case Kind.Map:
                yield return ("an array", Json("[]"), Expect.Refused);
                yield return ("a string", JsonString("x"), Expect.Refused);
                yield return ("a key with NUL", Json("{\"a\\u0000\":\"1\"}"), Expect.Refused);
                yield return ("a key with a lone surrogate", Json("{\"\\ud800\":\"1\"}"), Expect.Refused);
                yield return ("a key of 10,000 characters", Json($"{{\"{new string('k', 10_000)}\":\"1\"}}"), Expect.Refused);
                yield return ("a value with NUL", Json("{\"a\":\"a\\u0000b\"}"), Expect.Refused);
                yield return ("a value with a lone surrogate", Json("{\"a\":\"\\ud800\"}"), Expect.Refused);
                yield return ("a value nested too deep", Json("{\"a\":[[[[[[\"x\"]]]]]]}"), Expect.Refused);
                var entries = (shape.MaxItems ?? 100) + 1;
                yield return ($"{entries} entries", Json("{" + string.Join(',', Enumerable.Range(0, entries).Select(i => $"\"k{i}\":\"1\"")) + "}"), Expect.Refused);
                break;
            case Kind.Object or Kind.Array:
                yield return ("a string", JsonString("x"), Expect.Refused);
                yield return ("a number", Json("1"), Expect.Refused);
                yield return (shape.Kind == Kind.Object ? "an array" : "an object", Json(shape.Kind == Kind.Object ? "[]" : "{}"), Expect.Refused);
                if (shape.Kind == Kind.Array)
                {
                    var items = (shape.MaxItems ?? 100) + 1;
                    yield return ($"{items} items", Json("[" + string.Join(',', Enumerable.Repeat(BodyBaseline(shape.Items!).Render(), items)) + "]"), Expect.Refused);
                }
                break;
            case Kind.Any:
                foreach (var (variant, escaped) in BadText) yield return (variant, JsonString(escaped), Expect.Refused);
                break;
        }
    }

    /// <summary>Text no rule lets through, as JSON escapes.</summary>
    private static readonly (string Variant, string Escaped)[] BadText =
    [
        ("with NUL", "a\\u0000b"),
        ("with a control character", "a\\u0001b"),
        ("with a lone high surrogate", "a\\ud800b"),
        ("with a lone low surrogate", "\\udc00"),
        ("with a bidi override", "a\\u202eb"),
        ("with U+FFFF", "a\\uffffb"),
    ];

    private static IEnumerable<(string Variant, string? Value, Expect Expect)> QueryVariants(Shape shape)
    {
        yield return ("missing", null, Expect.Answered);
        yield return ("empty", "", Expect.Answered);
        yield return ("given twice", ParameterBaseline(shape) + "\n" + ParameterBaseline(shape), Expect.Answered);
        yield return ("with NUL", "1%00", Expect.Refused);
        switch (shape.Kind)
        {
            case Kind.String:
                if (shape.MaxLength is { } max)
                {
                    if (max <= LongestParameter)
                    {
                        yield return ($"at maxLength {max}", new string('x', max), Expect.Answered);
                        yield return ($"maxLength {max} + 1", new string('x', max + 1), Expect.Refused);
                    }
                }
                yield return ($"{LongestParameter:N0} characters", new string('x', LongestParameter),
                    shape.MaxLength is { } limit && limit >= LongestParameter ? Expect.Answered : Expect.Refused);
                yield return ("with a control character", "a%01b", Expect.Refused);
                yield return ("with a bidi override", "a%E2%80%AEb", Expect.Refused);
                // A lone surrogate cannot be written in a URL: its UTF-8 form is invalid, and the server decodes
                // invalid UTF-8 as U+FFFD, which is text like any other.
                yield return ("with a lone surrogate's bytes", "a%ED%A0%80b", Expect.Answered);
                yield return ("with invalid UTF-8", "a%FF%FEb", Expect.Answered);
                break;
            case Kind.Integer or Kind.Number:
                yield return ("text", "abc", Expect.Refused);
                yield return ("1e400", "1e400", Expect.Refused);
                yield return ("-1", "-1", Expect.Answered);
                if (shape.Kind == Kind.Integer)
                {
                    yield return ("9223372036854775808", "9223372036854775808", Expect.Refused);
                    yield return ("1.5", "1.5", Expect.Refused);
                    yield return ("int64 max", "9223372036854775807", shape.Format == "int32" ? Expect.Refused : Expect.Answered);
                    if (shape.Format == "int32") yield return ("2147483648", "2147483648", Expect.Refused);
                }
                yield return ($"{LongestParameter:N0} digits", new string('9', LongestParameter), Expect.Refused);
                break;
            case Kind.Date or Kind.DateTime:
                yield return ("month 13 day 45", "2026-13-45", Expect.Refused);
                yield return ("not a date", "yesterday", Expect.Refused);
                yield return ("year 1", "0001-01-01", Expect.Answered);
                yield return ("year 9999", "9999-12-31", Expect.Answered);
                break;
            case Kind.Enum:
                yield return ("undefined number 99", "99", Expect.Refused);
                yield return ("undefined name", "Nope", Expect.Refused);
                break;
        }
    }

    /// <summary>Route parameters are all integers here ({id:long}): a value that is not one does not match the route.
    /// No NUL: Kestrel answers a path holding one with its own 400 before the app sees it, and the test host refuses
    /// to carry it at all.</summary>
    private static IEnumerable<(string Variant, string? Value, Expect Expect)> PathVariants() =>
    [
        ("0", "0", Expect.Answered),
        ("-1", "-1", Expect.Answered),
        ("int64 max", "9223372036854775807", Expect.Answered),
        ("9223372036854775808", "9223372036854775808", Expect.Refused),
        ("text", "abc", Expect.Refused),
        ("1.5", "1.5", Expect.Refused),
        ("a control character", "1%01", Expect.Refused),
        ("a bidi override", "1%E2%80%AE", Expect.Refused),
        ("10,000 digits", new string('9', 10_000), Expect.Refused),
    ];

    // ---- stored text -----------------------------------------------------------------------------------------------

    /// <summary>Every string column of every table in the EF model: no value longer than the column's length (counted
    /// in UTF-16 code units, as the data layer's limit is), none holding NUL. SQLite enforces neither; PostgreSQL
    /// cannot hold NUL and enforces lengths, so there the scan confirms what the database would refuse anyway.</summary>
    private Task<(int Tables, int Columns, List<string> Failures)> ScanStoredTextAsync() => Factory.WithDbAsync(async db =>
    {
        var sqlite = Provider == DatabaseProvider.Sqlite;
        var failures = new List<string>();
        var columns = 0;
        var tables = Tables(db);
        foreach (var table in tables)
        {
            var name = Quoted(table.Key);
            var textColumns = table.SelectMany(t => t.Entity.GetProperties())
                .Where(p => (p.GetTypeMapping().Converter?.ProviderClrType ?? p.ClrType) == typeof(string))
                .Select(p => (Column: p.GetColumnName(table.Key), Max: p.GetMaxLength()))
                .Where(c => c.Column is not null)
                .DistinctBy(c => c.Column)
                .ToList();
            foreach (var (column, max) in textColumns)
            {
                columns++;
                var quoted = $"\"{column}\"";
                // Candidates by a measure every provider has (SQLite's length() stops at the first NUL); judged here.
                var suspicious = sqlite
                    ? $"instr(CAST({quoted} AS BLOB), X'00') > 0" + (max is { } m ? $" OR length(CAST({quoted} AS BLOB)) > {m}" : "")
                    : max is { } n ? $"char_length({quoted}) > {n}" : null;
                if (suspicious is null) continue;
                var values = await db.Database.SqlQueryRaw<string>(Sql("SELECT ", quoted, " AS \"Value\" FROM ", name, " WHERE ", suspicious)).ToListAsync();
                foreach (var value in values.Where(v => v.Contains('\0', StringComparison.Ordinal) || v.Length > max))
                    failures.Add($"stored in {table.Key.Name}.{column} (max {max?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {value.Length} characters"
                        + $"{(value.Contains('\0', StringComparison.Ordinal) ? " holding NUL" : "")}, \"{Printable(value)}\"");
            }
        }

        return (tables.Count, columns, failures);
    });

    /// <summary>The tables of the EF model, each with the entity types stored in it.</summary>
    private static List<IGrouping<StoreObjectIdentifier, (IEntityType Entity, StoreObjectIdentifier? Table)>> Tables(PortalDbContext db) =>
        db.Model.GetEntityTypes()
            .Select(e => (Entity: e, Table: StoreObjectIdentifier.Create(e, StoreObjectType.Table)))
            .Where(t => t.Table is not null)
            .GroupBy(t => t.Table!.Value)
            .ToList();

    private static string Quoted(StoreObjectIdentifier table) => table.Schema is { } schema ? $"\"{schema}\".\"{table.Name}\"" : $"\"{table.Name}\"";

    /// <summary>Rows per table, to say what the sweep wrote.</summary>
    private Task<Dictionary<string, long>> RowCountsAsync() => Factory.WithDbAsync(async db =>
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables(db))
            counts[table.Key.Name] = await db.Database.SqlQueryRaw<long>(Sql("SELECT COUNT(*) AS \"Value\" FROM ", Quoted(table.Key))).SingleAsync();
        return counts;
    });

    /// <summary>The scan's SQL names only tables and columns of the EF model, never a value.</summary>
    private static string Sql(params string[] parts) => string.Concat(parts);

    private static string Printable(string value)
    {
        var head = value.Length > 60 ? value[..60] + "…" : value;
        return string.Concat(head.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    // ---- JSON written by hand --------------------------------------------------------------------------------------

    private abstract record Node
    {
        public abstract string Render();

        public byte[] Bytes() => Encoding.UTF8.GetBytes(Render());

        /// <summary>This node with the value at <paramref name="path"/> replaced (null: removed; a missing member is added).</summary>
        public Node Replace(ReadOnlySpan<string> path, Node? value)
        {
            if (path.IsEmpty) return value ?? new RawNode("");
            var head = path[0];
            var rest = path[1..];
            switch (this)
            {
                case ObjectNode o:
                    var members = o.Members.ToList();
                    var index = members.FindIndex(m => m.Name == head);
                    if (index < 0)
                    {
                        if (value is not null && rest.IsEmpty) members.Add((head, value));
                    }
                    else if (rest.IsEmpty && value is null)
                    {
                        members.RemoveAt(index);
                    }
                    else
                    {
                        members[index] = (head, members[index].Value.Replace(rest, value));
                    }
                    return new ObjectNode(members);
                case ArrayNode a when head == "[0]" && a.Items.Count > 0:
                    var items = a.Items.ToList();
                    if (rest.IsEmpty && value is null) items.RemoveAt(0);
                    else items[0] = items[0].Replace(rest, value);
                    return new ArrayNode(items);
                default:
                    return this;
            }
        }
    }

    private sealed record RawNode(string Json) : Node
    {
        public override string Render() => Json;
    }

    private sealed record ObjectNode(IReadOnlyList<(string Name, Node Value)> Members) : Node
    {
        public override string Render() => "{" + string.Join(',', Members.Select(m => JsonSerializer.Serialize(m.Name) + ":" + m.Value.Render())) + "}";
    }

    private sealed record ArrayNode(IReadOnlyList<Node> Items) : Node
    {
        public override string Render() => "[" + string.Join(',', Items.Select(i => i.Render())) + "]";
    }

    // ---- the OpenAPI document --------------------------------------------------------------------------------------

    private enum Kind { String, Date, DateTime, Integer, Number, Boolean, Enum, Object, Map, Array, Any }

    private sealed record Shape(Kind Kind, string? Format = null, int? MaxLength = null, int? MaxItems = null)
    {
        public IReadOnlyList<string> Enum { get; init; } = [];
        public IReadOnlyList<(string Name, Shape Shape, bool Required)> Members { get; init; } = [];
        public Shape? Items { get; init; }
    }

    private sealed record Parameter(string Name, string In, Shape Shape);

    private sealed record Operation(string Method, string Path, IReadOnlyList<Parameter> Parameters, Shape? Body);

    private static class OpenApi
    {
        public static List<Operation> Operations(JsonElement document)
        {
            var schemas = document.GetProperty("components").GetProperty("schemas");
            var operations = new List<Operation>();
            foreach (var path in document.GetProperty("paths").EnumerateObject())
                foreach (var operation in path.Value.EnumerateObject())
                {
                    if (operation.Name is "parameters" or "summary" or "description" or "servers") continue;
                    var parameters = operation.Value.TryGetProperty("parameters", out var list)
                        ? list.EnumerateArray().Select(p => new Parameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                            ShapeOf(p.GetProperty("schema"), schemas, 0))).ToList()
                        : [];
                    Shape? body = null;
                    if (operation.Value.TryGetProperty("requestBody", out var requestBody)
                        && requestBody.GetProperty("content").TryGetProperty("application/json", out var json))
                        body = ShapeOf(json.GetProperty("schema"), schemas, 0);
                    operations.Add(new(operation.Name.ToUpperInvariant(), path.Name, parameters, body));
                }

            return operations;
        }

        private static Shape ShapeOf(JsonElement schema, JsonElement schemas, int depth)
        {
            if (schema.TryGetProperty("$ref", out var reference))
                return ShapeOf(schemas.GetProperty(reference.GetString()!.Split('/')[^1]), schemas, depth);
            foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
                if (schema.TryGetProperty(combinator, out var alternatives))
                    return alternatives.EnumerateArray().Where(a => !IsNull(a)).Select(a => ShapeOf(a, schemas, depth)).FirstOrDefault() ?? new Shape(Kind.Any);
            var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
            int? Number(string name) => schema.TryGetProperty(name, out var v) ? v.GetInt32() : null;
            if (schema.TryGetProperty("enum", out var values))
                return new Shape(Kind.Enum) { Enum = [.. values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)] };
            var types = !schema.TryGetProperty("type", out var type) ? []
                : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToHashSet() : [type.GetString()!];
            if (types.Contains("integer")) return new Shape(Kind.Integer, format);
            if (types.Contains("number")) return new Shape(Kind.Number, format);
            if (types.Contains("boolean")) return new Shape(Kind.Boolean);
            if (types.Contains("array"))
                return new Shape(Kind.Array, MaxItems: Number("maxItems"))
                {
                    Items = schema.TryGetProperty("items", out var items) && depth < 3 ? ShapeOf(items, schemas, depth + 1) : new Shape(Kind.Any),
                };
            if (types.Contains("object") || schema.TryGetProperty("properties", out _))
                return schema.TryGetProperty("properties", out var properties) && depth < 3
                    ? new Shape(Kind.Object)
                    {
                        Members = [.. properties.EnumerateObject().Select(p => (p.Name, ShapeOf(p.Value, schemas, depth + 1),
                            schema.TryGetProperty("required", out var required) && required.EnumerateArray().Any(r => r.GetString() == p.Name)))],
                    }
                    : new Shape(Kind.Map, MaxItems: Number("maxProperties"));
            if (types.Contains("string"))
                return format switch
                {
                    "date" => new Shape(Kind.Date, format),
                    "date-time" => new Shape(Kind.DateTime, format),
                    _ => new Shape(Kind.String, format, Number("maxLength")),
                };
            return new Shape(Kind.Any);
        }

        private static bool IsNull(JsonElement schema) => schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null";
    }
}

public sealed class MalformedInputSweepOnSqliteTests(ITestOutputHelper output) : MalformedInputSweepTests(output)
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class MalformedInputSweepOnPostgreSqlTests(ITestOutputHelper output) : MalformedInputSweepTests(output)
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
