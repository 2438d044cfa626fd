using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Resources;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Portal.Localization;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

/// <summary>The one UI-text mechanism (ADR 0012): every .resx the app embeds, read the way the app reads it.
/// A text whose key is missing renders as its key, so these tests look for that mistake everywhere at once:
/// Chinese and English with the same keys, each resource file reachable through its marker type, and every
/// key a page asks for present in its page's resources.</summary>
public sealed partial class UiTextTests : BunitTestContext
{
    private const string ResourcePrefix = "Portal.Resources.";
    private static readonly Assembly App = typeof(SharedResources).Assembly;

    /// <summary>Manifest names of every embedded .resx, e.g. "Portal.Resources.Components.Pages.Slots.SlotTexts".</summary>
    private static readonly IReadOnlyList<string> Names = [.. App.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".resources", StringComparison.Ordinal))
        .Select(n => n[..^".resources".Length])
        .Order(StringComparer.Ordinal)];

    public static TheoryData<string> ResourceNames => new(Names);

    [Fact]
    public void The_app_embeds_the_shell_mudblazor_and_every_page_folder_resources()
    {
        Assert.Contains("Portal.Resources.SharedResources", Names);
        Assert.Contains("Portal.Resources.MudBlazorTexts", Names);
        Assert.Equal(10, Names.Count(n => n.StartsWith(ResourcePrefix + "Components.Pages.", StringComparison.Ordinal)));
    }

    /// <summary>ResourceManagerStringLocalizerFactory looks for "Portal.Resources." + the marker's full name without
    /// "Portal.": a marker in another namespace than its file's folder would get every text back as its key.</summary>
    [Theory]
    [MemberData(nameof(ResourceNames))]
    public void Each_resource_file_has_a_marker_type_whose_namespace_matches_its_folder(string name) =>
        Assert.NotNull(MarkerOf(name));

    [Theory]
    [MemberData(nameof(ResourceNames))]
    public void Chinese_and_english_have_the_same_keys_and_no_empty_values(string name)
    {
        var neutral = Texts(name, CultureInfo.InvariantCulture);
        var english = Texts(name, CultureInfo.GetCultureInfo(PortalCultures.English));

        Assert.NotEmpty(neutral);
        Assert.All(neutral.Concat(english), t => Assert.False(string.IsNullOrWhiteSpace(t.Value), $"{name}: {t.Key} is empty"));
        if (name == ResourcePrefix + nameof(MudBlazorTexts))
        {
            // MudBlazor's own strings are English already: ChineseMudLocalizer asks the resources only in Chinese,
            // so the English file holds just the console's own pager texts.
            Assert.Empty(english.Keys.Except(neutral.Keys));
            return;
        }

        Assert.Equal(neutral.Keys.Order(StringComparer.Ordinal), english.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ResourceNames))]
    public void The_localizer_of_each_marker_finds_every_text_in_both_cultures(string name)
    {
        var localizer = Services.GetRequiredService<IStringLocalizerFactory>().Create(MarkerOf(name)!);
        foreach (var culture in PortalCultures.Supported)
        {
            UseCulture(culture);
            // English falls back to the neutral (Chinese) file for a key it lacks, as ResourceManager does.
            var expected = Texts(name, CultureInfo.InvariantCulture);
            if (culture == PortalCultures.English)
            {
                foreach (var (key, value) in Texts(name, CultureInfo.GetCultureInfo(culture)))
                    expected[key] = value;
            }

            Assert.All(expected, t =>
            {
                var text = localizer[t.Key];
                Assert.False(text.ResourceNotFound, $"{name}: {t.Key} not found in {culture}");
                Assert.Equal(t.Value, text.Value);
            });
        }
    }

    [Fact]
    public void A_page_and_its_resources_agree_on_the_keys()
    {
        var pages = Path.Combine(TestEnvironment.RepositoryRoot ?? throw new DirectoryNotFoundException("BlazorVax.sln not found"),
            "Portal", "Components", "Pages");
        var folders = Names
            .Where(n => n.StartsWith(ResourcePrefix + "Components.Pages.", StringComparison.Ordinal))
            .ToList();

        Assert.All(folders, name =>
        {
            // Portal.Resources.Components.Pages.Identity.Accounts.AccountTexts → Pages/Identity/Accounts
            var folder = name[(ResourcePrefix + "Components.Pages.").Length..name.LastIndexOf('.')].Split('.');
            var used = Directory.EnumerateFiles(Path.Combine([pages, .. folder]))
                .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                .SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
                .ToHashSet(StringComparer.Ordinal);
            var defined = Texts(name, CultureInfo.InvariantCulture).Keys.ToHashSet(StringComparer.Ordinal);

            Assert.Empty(used.Except(defined)); // asked for but missing: the page would show the key
            Assert.Empty(defined.Except(used)); // defined but never shown: dead text to translate
        });
    }

    // L["Key"] in components, texts["Key"] in the *TextFormats helpers; keys are always literals so this can find them.
    [GeneratedRegex(@"\b(?:L|texts)\[""([A-Za-z0-9_]+)""")]
    private static partial Regex KeyUse();

    private static Type? MarkerOf(string resourceName) =>
        App.GetType("Portal." + resourceName[ResourcePrefix.Length..], throwOnError: false);

    /// <summary>The texts of one culture's file alone, without falling back to the neutral one.</summary>
    private static Dictionary<string, string> Texts(string name, CultureInfo culture)
    {
        var set = new ResourceManager(name, App).GetResourceSet(culture, createIfNotExists: true, tryParents: false);
        return set?.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal) ?? [];
    }
}
