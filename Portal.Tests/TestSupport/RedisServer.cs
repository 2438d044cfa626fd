using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.TestSupport;

/// <summary>
/// One throwaway redis-server for the whole test process, started on first use and killed once the test process has gone.
/// Set BLAZORVAX_TEST_REDIS to host:port to use an existing server instead.
/// </summary>
public static class RedisServer
{
    public const string ConfigurationVariable = "BLAZORVAX_TEST_REDIS";

    private static readonly Lazy<Task<string>> Server =
        new(() => Task.Run(StartAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    // Held for the life of the process: its output pipes must stay open and drained, or the server dies or stalls.
    private static Process? running;

    public static bool IsAvailable(out string reason)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConfigurationVariable)) || FindExecutable() is not null)
        {
            reason = string.Empty;
            return true;
        }

        reason = $"redis-server not found at /usr/bin/redis-server or on PATH (Debian package redis-server) "
            + $"and {ConfigurationVariable} not set";
        return false;
    }

    /// <summary>"127.0.0.1:port" of the running server (or BLAZORVAX_TEST_REDIS as given): a StackExchange.Redis configuration.</summary>
    public static Task<string> GetConfigurationAsync() => Server.Value;

    private static async Task<string> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConfigurationVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external.Trim();
        }

        var executable = FindExecutable()
            ?? throw new InvalidOperationException("redis-server not found at /usr/bin/redis-server or on PATH");

        // A port chosen free can be taken by another process before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = ProcessRunner.FreeTcpPort();
            var (process, output) = Start(executable, port);
            try
            {
                await WaitUntilPongAsync(process, port);
                running = process;
                // Checking the command line: the pid may belong to someone else by the time this runs.
                TestEnvironment.AfterExit(
                    """grep -q redis-server "/proc/$1/cmdline" && kill "$1" """,
                    process.Id.ToString(CultureInfo.InvariantCulture));
                return $"127.0.0.1:{port}";
            }
            catch (InvalidOperationException ex)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.Dispose();
                if (attempt >= 3)
                {
                    string log;
                    lock (output)
                    {
                        log = output.ToString();
                    }

                    throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}{log}", ex);
                }
            }
        }
    }

    private static (Process Process, StringBuilder Output) Start(string executable, int port)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", port.ToString(CultureInfo.InvariantCulture),
                     "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = startInfo };

        // The server logs to stdout for its whole life: keep reading, or it blocks on a full pipe.
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                if (output.Length < 64 * 1024)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static async Task WaitUntilPongAsync(Process process, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} before answering on port {port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                var stream = client.GetStream();
                await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray());
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {port} within 20 s.");
            }

            await Task.Delay(100);
        }
    }

    private static string? FindExecutable() =>
        File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : ProcessRunner.FindOnPath("redis-server");
}
