using System.Globalization;
using System.Runtime.InteropServices;

// dotnet-counters (which would read dotnet.gc.heap.total_allocated from outside) is not in the NuGet registry
// this project builds from, so perf/load/run loads this hook into the measured process instead, through
// DOTNET_STARTUP_HOOKS: no change to the process's own code. On SIGUSR1 it writes the process's total
// allocated bytes (GC.GetTotalAllocatedBytes, the value behind that counter) to <ALLOC_PROBE_DIR>/<pid>.alloc,
// atomically (write, then rename), so the script reads it before and after a run.
// The runtime finds the hook by this exact type name, without a namespace.
#pragma warning disable CA1050 // Declare types in namespaces: the startup-hook contract requires the global "StartupHook" type.
internal static class StartupHook
#pragma warning restore CA1050
{
    private const int Sigusr1 = 10; // Linux x64/arm64; raw signal numbers are accepted as PosixSignal values.

    private static PosixSignalRegistration? _registration;

    public static void Initialize()
    {
        var directory = Environment.GetEnvironmentVariable("ALLOC_PROBE_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        var path = Path.Combine(directory, $"{Environment.ProcessId}.alloc");

        _registration = PosixSignalRegistration.Create((PosixSignal)Sigusr1, context =>
        {
            context.Cancel = true; // handled: do not let the default action (terminate) run
            var temp = path + ".tmp";
            File.WriteAllText(temp, GC.GetTotalAllocatedBytes(precise: true).ToString(CultureInfo.InvariantCulture));
            File.Move(temp, path, overwrite: true);
        });
    }
}
