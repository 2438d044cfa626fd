using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration.Json;
using Portal.Core.Common.Privacy;

namespace Portal.Infrastructure;

/// <summary>Zero set-up for a developer: in Development, keys that are not configured (personal-data
/// encryption, token signing) are generated once into {DataFolder}/keys/secrets.json and read from there.
/// Elsewhere nothing is generated: missing keys stop the app with a message naming the setting.</summary>
public static class LocalSecrets
{
    public static void AddLocalSecrets(this WebApplicationBuilder builder, string dataFolder)
    {
        var path = Path.Combine(dataFolder, "keys", "secrets.json");
        if (!File.Exists(path) && builder.Environment.IsDevelopment())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var json = new JsonObject
            {
                ["PersonalData"] = new JsonObject
                {
                    ["ActiveKeyVersion"] = 1,
                    ["Keys"] = new JsonObject { ["1"] = PersonalDataOptions.NewKey() },
                    ["HashKey"] = PersonalDataOptions.NewKey(),
                },
                ["Tokens"] = new JsonObject { ["SigningKey"] = PersonalDataOptions.NewKey() },
            };
            File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        if (!File.Exists(path)) return;

        var source = new JsonConfigurationSource { Path = path, Optional = true };
        source.ResolveFileProvider();
        // Lowest priority: appsettings, environment variables and test settings still win.
        builder.Configuration.Sources.Insert(0, source);
    }
}
