namespace Portal.Infrastructure;

/// <summary>Where the app keeps its files: the SQLite database, generated development keys, the dev
/// SMS outbox. "DataFolder" in configuration; default App_Data under the content root.</summary>
public static class DataFolder
{
    public static string Resolve(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration["DataFolder"];
        var folder = string.IsNullOrWhiteSpace(configured) ? "App_Data" : configured;
        var full = Path.GetFullPath(Path.IsPathRooted(folder) ? folder : Path.Combine(builder.Environment.ContentRootPath, folder));
        Directory.CreateDirectory(full);
        return full;
    }
}
