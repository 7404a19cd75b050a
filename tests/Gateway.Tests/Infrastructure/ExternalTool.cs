using System.Diagnostics;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// Runs the npm/node tools the tests drive (tests/Interop, tests/OpenApi) as child processes and
/// collects their output for failure messages.
/// </summary>
public static class ExternalTool
{
    /// <summary>How long one npm or node step may take.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs <paramref name="file"/> to completion; a run past <see cref="StepTimeout"/> is killed and reported as exit code -1.</summary>
    /// <returns>The exit code and stdout followed by stderr.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{file} timed out after {StepTimeout}\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs <c>npm ci</c> in <paramref name="folder"/> unless <c>node_modules/<paramref name="package"/></c> is already there (./test installs it first).</summary>
    public static async Task EnsureNpmPackagesAsync(string folder, string package)
    {
        if (Directory.Exists(Path.Combine(folder, "node_modules", package)))
        {
            return;
        }

        var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder);
        Assert.True(install.ExitCode == 0, $"npm ci in {folder} failed ({install.ExitCode}):\n{install.Output}");
    }

    /// <summary>The folder holding FastGateway.sln.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FastGateway.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("FastGateway.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// A file of another project's build output, for the configuration and target framework these tests were built
    /// with: tests/Gateway.Tests/bin/Release/net10.0/ -> <paramref name="project"/>/bin/Release/net10.0/<paramref name="fileName"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">That project has not been built.</exception>
    public static string BuildOutput(string project, string fileName)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryRoot(), project, "bin", testBin.Parent!.Name, testBin.Name, fileName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"build {project} first: {path} is missing");
    }
}
