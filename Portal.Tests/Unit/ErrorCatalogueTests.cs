using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Portal.Core.Auditing;
using Portal.Core.Common;

namespace Portal.Tests.Unit;

/// <summary>One error catalogue per feature (ADR 0010): every code is one member with one wording, and no code is made
/// or thrown anywhere else; one audit action catalogue with one naming convention.</summary>
public sealed partial class ErrorCatalogueTests
{
    /// <summary>Every catalogue member of Portal.Core: the public static DomainError fields of its *Errors classes.</summary>
    public static IReadOnlyList<(string Catalogue, string Member, DomainError Error)> Members() =>
        typeof(DomainError).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true } && t.Name.EndsWith("Errors", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(DomainError))
                .Select(f => (t.Name, f.Name, (DomainError)f.GetValue(null)!)))
            .ToList();

    [Fact]
    public void Every_code_is_one_member_of_one_catalogue_so_it_has_one_wording()
    {
        var members = Members();
        Assert.True(members.Count > 60, $"only {members.Count} catalogue members found");
        var twice = members.GroupBy(m => m.Error.Code).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Catalogue}.{m.Member}"))}").ToList();
        Assert.True(twice.Count == 0, "codes defined more than once:\n" + string.Join('\n', twice));
    }

    [Fact]
    public void Codes_are_snake_case_and_messages_come_in_both_languages_or_from_the_thrower()
    {
        Assert.All(Members(), m =>
        {
            Assert.Matches(SnakeCase(), m.Error.Code);
            Assert.Equal(m.Error.Zh is null, m.Error.En is null);
        });
        Assert.Equal("resident_not_found", Portal.Core.Residents.ResidentsErrors.ResidentNotFound.Code);
    }

    /// <summary>The grep of ADR 0010, as a test: no DomainError or DomainProblemException is made outside the catalogues
    /// (and DomainError's own factory), and no code is restated as a string constant beside them.</summary>
    [Fact]
    public void No_error_code_is_made_outside_a_catalogue()
    {
        var offenders = new List<string>();
        foreach (var file in new[] { "Portal", "Portal.Core", "Portal.Data" }
                     .SelectMany(p => Directory.EnumerateFiles(Path.Combine(Root(), p), "*.*", SearchOption.AllDirectories))
                     .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                         && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var name = Path.GetFileName(file);
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if ((line.Contains("new DomainError(", StringComparison.Ordinal) || line.Contains("new(ProblemKind", StringComparison.Ordinal))
                    && !name.EndsWith("Errors.cs", StringComparison.Ordinal))
                    offenders.Add($"{file}:{i + 1}: {line.Trim()}");
                if (line.Contains("new DomainProblemException(", StringComparison.Ordinal) && name != "DomainProblem.cs")
                    offenders.Add($"{file}:{i + 1}: {line.Trim()}");
                if (CodeConstant().IsMatch(line))
                    offenders.Add($"{file}:{i + 1}: {line.Trim()}");
            }
        }
        Assert.True(offenders.Count == 0, "error codes outside the catalogues:\n" + string.Join('\n', offenders));
    }

    /// <summary>One naming convention for audit actions: PascalCase, each constant's value its own name, none twice
    /// (the catalogue editor once wrote "catalogue.product.rules" beside "SignIn").</summary>
    [Fact]
    public void Audit_actions_are_one_catalogue_of_pascal_case_names()
    {
        var actions = typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, Value: (string)f.GetRawConstantValue()!)).ToList();
        Assert.True(actions.Count > 20, $"only {actions.Count} audit actions");
        Assert.All(actions, a =>
        {
            Assert.Equal(a.Name, a.Value);
            Assert.Matches(PascalCase(), a.Value);
            Assert.True(a.Value.Length <= 64, a.Value);
        });
        Assert.Equal(actions.Count, actions.Select(a => a.Value).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    private static string Root([CallerFilePath] string source = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));

    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex("^[A-Z][a-z]+([A-Z][a-z0-9]*)*$")]
    private static partial Regex PascalCase();

    // A restated code: `const string SomethingCode = "some_code"` (SignInProblems and LinkProblems had ten).
    [GeneratedRegex("const string \\w*Code\\s*=\\s*\"[a-z]+(_[a-z]+)+\"")]
    private static partial Regex CodeConstant();
}
