namespace FastGateway.Hosting;

/// <summary>
/// An exclusive lock on the <c>Storage:Path</c> folder for the life of the process: two gateways on
/// one FASTER folder would corrupt it. The OS drops the lock when the process dies, even by kill -9.
/// </summary>
internal sealed class StorageLock : IDisposable
{
    private readonly FileStream _lock;

    private StorageLock(FileStream @lock) => _lock = @lock;

    /// <summary>Creates the folder if needed and locks it.</summary>
    /// <exception cref="InvalidOperationException">Another process holds the folder.</exception>
    public static StorageLock Acquire(string path)
    {
        Directory.CreateDirectory(path);
        try
        {
            return new StorageLock(new FileStream(Path.Combine(path, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"Storage:Path '{Path.GetFullPath(path)}' is in use by another process.", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();
}
