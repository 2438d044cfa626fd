using System.Net.Sockets;
using System.Text;
using Npgsql;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Proves the test fixtures themselves work, so a failure elsewhere is the product's, not the harness's.</summary>
public sealed class InfrastructureSelfTests
{
    [SkippableFact]
    public async Task PostgreSql_gives_each_caller_its_own_database()
    {
        Requirements.PostgreSql();

        var connectionStrings = await Task.WhenAll(
            PostgresServer.CreateDatabaseAsync("selftest"), PostgresServer.CreateDatabaseAsync("selftest"));

        Assert.NotEqual(connectionStrings[0], connectionStrings[1]);
        foreach (var connectionString in connectionStrings)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("select version() || '|' || current_database()", connection);
            var answer = (string?)await query.ExecuteScalarAsync();

            Assert.Contains("PostgreSQL", answer);
            Assert.EndsWith("|" + new NpgsqlConnectionStringBuilder(connectionString).Database, answer);
        }
    }

    [SkippableFact]
    public async Task Redis_answers_ping()
    {
        Requirements.Redis();

        var configuration = await RedisServer.GetConfigurationAsync();
        var endpoint = configuration.Split(',')[0];
        var separator = endpoint.LastIndexOf(':');

        using var client = new TcpClient();
        await client.ConnectAsync(endpoint[..separator], int.Parse(endpoint[(separator + 1)..]));
        var stream = client.GetStream();
        await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray());
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer);

        Assert.Equal("+PONG\r\n", Encoding.ASCII.GetString(buffer, 0, read));
    }

    [SkippableFact]
    public async Task Chromium_renders_chinese_text()
    {
        Requirements.Chromium();

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync();
            await page.SetContentAsync("<meta charset=\"utf-8\"><h1>疫苗</h1>");

            Assert.Equal("疫苗", await page.TextContentAsync("h1"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ArtifactsDirectory, "selftest-chromium.png") });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public void Sqlite_files_are_fresh_paths_in_the_run_folder()
    {
        var first = SqliteFiles.NewDatabaseFile("self test");
        var second = SqliteFiles.NewDatabaseFile("self test");

        Assert.NotEqual(first, second);
        Assert.Equal(TestEnvironment.RunDirectory, Path.GetDirectoryName(first));
        Assert.False(File.Exists(first));
        Assert.Equal($"Data Source={first};Default Timeout=30;Pooling=True", SqliteFiles.ConnectionStringFor(first));
    }

    [Fact]
    public void A_missing_dependency_skips_locally_and_fails_under_ci()
    {
        const string reason = "thing not found";

        var skipped = Assert.Throws<SkipException>(() => Requirements.Require(false, reason, isCi: false));
        var failed = Assert.Throws<MissingTestDependencyException>(() => Requirements.Require(false, reason, isCi: true));

        Assert.Equal(reason, skipped.Message);
        Assert.StartsWith(reason, failed.Message);
        Requirements.Require(true, reason, isCi: true);
    }
}
