using System.Diagnostics;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// Runs the built operators' command line (<c>fastgateway-admin.dll</c> under <c>dotnet</c>) as a child process,
/// with <c>FASTGATEWAY_URL</c> and <c>FASTGATEWAY_ADMIN_KEY</c> set for a gateway.
/// </summary>
public static class CliProcess
{
    /// <summary>What one run printed and returned.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    /// <summary>Runs the tool against <paramref name="gateway"/>.</summary>
    /// <param name="gateway">Gives the URL and the admin key through the environment.</param>
    /// <param name="stdin">Written to the tool's stdin (then closed); null for empty stdin.</param>
    /// <param name="args">The command line.</param>
    public static async Task<Result> RunAsync(GatewayProcess gateway, string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["FASTGATEWAY_URL"] = gateway.BaseAddress.ToString();
        info.Environment["FASTGATEWAY_ADMIN_KEY"] = GatewayProcess.AdminKey;

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string CliDll => ExternalTool.BuildOutput("src/Cli", "fastgateway-admin.dll");
}
