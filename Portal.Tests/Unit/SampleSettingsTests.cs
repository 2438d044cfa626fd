using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Tests.Unit;

/// <summary><c>appsettings.sample.json</c> is the operator's list of settings: it must name every setting the code
/// reads, found from the options classes (a const <c>Section</c>/<c>SectionName</c> and their settable properties)
/// and from the keys the code reads one by one (<c>GetValue("A:B")</c>, <c>const string ...Key/Setting = "A:B"</c>).</summary>
public sealed partial class SampleSettingsTests
{
    [Fact]
    public void The_sample_settings_name_every_setting_the_code_reads()
    {
        var sample = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root(), "appsettings.sample.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }))
            Flatten(json.RootElement, "", sample);

        var read = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in new[] { typeof(Program), typeof(Portal.Core.Common.ChinaTime), typeof(Portal.Data.PortalDbContext) }.SelectMany(t => t.Assembly.GetTypes()))
        {
            var section = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
                ?? type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
            if (section is not null && !type.IsAbstract) AddProperties(type, section, read);
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static).Where(f => f.IsLiteral))
                if ((field.Name.EndsWith("Key", StringComparison.Ordinal) || field.Name.EndsWith("Setting", StringComparison.Ordinal))
                    && field.GetRawConstantValue() is string key && SettingPath().IsMatch(key))
                    read.Add(key);
        }

        foreach (var file in new[] { "Portal", "Portal.Core", "Portal.Data" }.SelectMany(p => Directory.EnumerateFiles(Path.Combine(Root(), p), "*.cs", SearchOption.AllDirectories))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            foreach (Match m in GetValueCall().Matches(File.ReadAllText(file)))
                read.Add(m.Groups[1].Value);

        var missing = read.Where(k => !sample.Contains(k)).ToList();
        Assert.True(read.Count > 40, $"found only {read.Count} settings: the scan is broken");
        Assert.True(missing.Count == 0, "appsettings.sample.json lacks settings the code reads:\n" + string.Join('\n', missing));
    }

    private static void AddProperties(Type type, string prefix, ISet<string> keys)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            var key = $"{prefix}:{p.Name}";
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (t.IsClass && t != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(t) && t.Namespace?.StartsWith("Portal", StringComparison.Ordinal) == true)
                AddProperties(t, key, keys);
            else
                keys.Add(key);
        }
    }

    private static void Flatten(JsonElement e, string prefix, ISet<string> keys)
    {
        if (prefix.Length > 0) keys.Add(prefix);
        if (e.ValueKind != JsonValueKind.Object) return;
        foreach (var p in e.EnumerateObject().Where(p => !p.Name.StartsWith("//", StringComparison.Ordinal)))
            Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}:{p.Name}", keys);
    }

    private static string Root([CallerFilePath] string source = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));

    [GeneratedRegex(@"^[A-Z][A-Za-z]+(:[A-Z][A-Za-z0-9]+)+$")]
    private static partial Regex SettingPath();

    [GeneratedRegex(@"GetValue(?:<[^>]+>)?\(""([A-Z][A-Za-z]+(?::[A-Z][A-Za-z0-9]+)+)""")]
    private static partial Regex GetValueCall();
}
