using System.Diagnostics;
using System.Globalization;

namespace Portal.Tests.TestSupport;

/// <summary>Facts about the machine and the run that every fixture shares.</summary>
public static class TestEnvironment
{
    private static readonly Lazy<string> LazyRunDirectory = new(CreateRunDirectory);
    private static readonly Lazy<string?> LazyRepositoryRoot = new(FindRepositoryRoot);

    /// <summary>True when the CI variable is "true" (any case): missing dependencies then fail instead of skip.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Path.GetTempPath()/blazorvax-tests/&lt;run-id&gt;, created on first use and deleted once the test process has gone.</summary>
    public static string RunDirectory => LazyRunDirectory.Value;

    /// <summary>The folder holding BlazorVax.sln, or null when the tests run from outside the repository.</summary>
    public static string? RepositoryRoot => LazyRepositoryRoot.Value;

    /// <summary>
    /// Runs a shell script once this process has gone, however it goes. Cleanup cannot live in
    /// ProcessExit: vstest kills the test host about 100 ms after the last test, and a crashed or
    /// cancelled run never gets there. The script sees <paramref name="arguments"/> as $1, $2, ...
    /// </summary>
    internal static void AfterExit(string script, params string[] arguments)
    {
        // setsid: a Ctrl+C sent to the test run's process group must not take the watcher with it.
        var startInfo = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (startInfo.FileName != "/bin/sh")
        {
            startInfo.ArgumentList.Add("/bin/sh");
        }

        const string WaitForParent = """
            exec </dev/null >/dev/null 2>&1
            parent=$1; shift
            while kill -0 "$parent" 2>/dev/null; do sleep 0.5; done

            """;
        foreach (var argument in (string[])["-c", WaitForParent + script, "blazorvax-test-cleanup",
                     Environment.ProcessId.ToString(CultureInfo.InvariantCulture), .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var watcher = Process.Start(startInfo);
    }

    private static string CreateRunDirectory()
    {
        var runId = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}";
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "blazorvax-tests", runId)).FullName;
        AfterExit("""rm -rf "$1" """, directory);
        return directory;
    }

    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "BlazorVax.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
