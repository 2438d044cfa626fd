// The resource files are Resources/SharedResources(.en).resx, whose manifest name is
// "Portal.Resources.SharedResources". ResourceManagerStringLocalizerFactory builds the name it looks for as
// <assembly root namespace> + "." + ResourcesPath + "." + <type name without the root namespace>, so the marker
// must sit in the root namespace "Portal": in "Portal.Localization" it would look for
// "Portal.Resources.Localization.SharedResources" and every text would come back as its key.
// ShellTests renders English and Chinese texts to prove the two names agree.
namespace Portal;

/// <summary>Marker type for <c>IStringLocalizer&lt;SharedResources&gt;</c>: the shell's texts (menu, sign-in, home,
/// errors, validation); each page folder has its own marker and resources (ADR 0012). The neutral resources are
/// Simplified Chinese (zh-CN is the default culture); <c>SharedResources.en.resx</c> is English.</summary>
public sealed class SharedResources
{
    private SharedResources()
    {
    }
}
