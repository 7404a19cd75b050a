using FASTER.core;

namespace FastGateway.TokenStore;

/// <summary>
/// FASTER session callbacks for the token store. A <c>readonly struct</c> so the JIT/AOT compiler
/// specializes <c>ClientSession&lt;..., TokenFunctions&gt;</c> and devirtualizes every callback.
/// </summary>
/// <remarks>
/// Input is the <see cref="TokenUpdate"/> an RMW applies (revocation, consumption); output is a copy of the record
/// as it was before the update (so a caller sees whether a code was already redeemed).
/// RMW never creates a record: revoking an unknown token reports <c>NotFound</c>.
/// </remarks>
internal readonly struct TokenFunctions : IFunctions<TokenHash, TokenRecord, TokenUpdate, TokenRecord, Empty>
{
    // Reads: copy the fixed-size record out.

    /// <inheritdoc/>
    public bool SingleReader(ref TokenHash key, ref TokenUpdate input, ref TokenRecord value, ref TokenRecord dst, ref ReadInfo readInfo)
    {
        dst = value;
        return true;
    }

    /// <inheritdoc/>
    public bool ConcurrentReader(ref TokenHash key, ref TokenUpdate input, ref TokenRecord value, ref TokenRecord dst, ref ReadInfo readInfo)
    {
        dst = value;
        return true;
    }

    /// <inheritdoc/>
    public void ReadCompletionCallback(ref TokenHash key, ref TokenUpdate input, ref TokenRecord output, Empty ctx, Status status, RecordMetadata recordMetadata)
    {
    }

    // Upserts: store the record as given.

    /// <inheritdoc/>
    public bool SingleWriter(ref TokenHash key, ref TokenUpdate input, ref TokenRecord src, ref TokenRecord dst, ref TokenRecord output, ref UpsertInfo upsertInfo, WriteReason reason)
    {
        dst = src;
        return true;
    }

    /// <inheritdoc/>
    public void PostSingleWriter(ref TokenHash key, ref TokenUpdate input, ref TokenRecord src, ref TokenRecord dst, ref TokenRecord output, ref UpsertInfo upsertInfo, WriteReason reason)
    {
    }

    /// <inheritdoc/>
    public bool ConcurrentWriter(ref TokenHash key, ref TokenUpdate input, ref TokenRecord src, ref TokenRecord dst, ref TokenRecord output, ref UpsertInfo upsertInfo)
    {
        dst = src;
        return true;
    }

    // RMW: set the state of an existing record; never create one.

    /// <inheritdoc/>
    public bool NeedInitialUpdate(ref TokenHash key, ref TokenUpdate input, ref TokenRecord output, ref RMWInfo rmwInfo) => false;

    /// <inheritdoc/>
    public bool InitialUpdater(ref TokenHash key, ref TokenUpdate input, ref TokenRecord value, ref TokenRecord output, ref RMWInfo rmwInfo) => false;

    /// <inheritdoc/>
    public void PostInitialUpdater(ref TokenHash key, ref TokenUpdate input, ref TokenRecord value, ref TokenRecord output, ref RMWInfo rmwInfo)
    {
    }

    /// <inheritdoc/>
    public bool NeedCopyUpdate(ref TokenHash key, ref TokenUpdate input, ref TokenRecord oldValue, ref TokenRecord output, ref RMWInfo rmwInfo) => true;

    /// <inheritdoc/>
    public bool CopyUpdater(ref TokenHash key, ref TokenUpdate input, ref TokenRecord oldValue, ref TokenRecord newValue, ref TokenRecord output, ref RMWInfo rmwInfo)
    {
        output = oldValue;
        newValue = oldValue;
        input.ApplyTo(ref newValue);
        return true;
    }

    /// <inheritdoc/>
    public void PostCopyUpdater(ref TokenHash key, ref TokenUpdate input, ref TokenRecord oldValue, ref TokenRecord newValue, ref TokenRecord output, ref RMWInfo rmwInfo)
    {
    }

    /// <inheritdoc/>
    public bool InPlaceUpdater(ref TokenHash key, ref TokenUpdate input, ref TokenRecord value, ref TokenRecord output, ref RMWInfo rmwInfo)
    {
        output = value;
        input.ApplyTo(ref value);
        return true;
    }

    /// <inheritdoc/>
    public void RMWCompletionCallback(ref TokenHash key, ref TokenUpdate input, ref TokenRecord output, Empty ctx, Status status, RecordMetadata recordMetadata)
    {
    }

    // Deletes: nothing to do for blittable records.

    /// <inheritdoc/>
    public bool SingleDeleter(ref TokenHash key, ref TokenRecord value, ref DeleteInfo deleteInfo) => true;

    /// <inheritdoc/>
    public void PostSingleDeleter(ref TokenHash key, ref DeleteInfo deleteInfo)
    {
    }

    /// <inheritdoc/>
    public bool ConcurrentDeleter(ref TokenHash key, ref TokenRecord value, ref DeleteInfo deleteInfo) => true;

    // Disposal hooks: blittable records own nothing.

    /// <inheritdoc/>
    public void DisposeSingleWriter(ref TokenHash key, ref TokenUpdate input, ref TokenRecord src, ref TokenRecord dst, ref TokenRecord output, ref UpsertInfo upsertInfo, WriteReason reason)
    {
    }

    /// <inheritdoc/>
    public void DisposeCopyUpdater(ref TokenHash key, ref TokenUpdate input, ref TokenRecord oldValue, ref TokenRecord newValue, ref TokenRecord output, ref RMWInfo rmwInfo)
    {
    }

    /// <inheritdoc/>
    public void DisposeInitialUpdater(ref TokenHash key, ref TokenUpdate input, ref TokenRecord value, ref TokenRecord output, ref RMWInfo rmwInfo)
    {
    }

    /// <inheritdoc/>
    public void DisposeSingleDeleter(ref TokenHash key, ref TokenRecord value, ref DeleteInfo deleteInfo)
    {
    }

    /// <inheritdoc/>
    public void DisposeDeserializedFromDisk(ref TokenHash key, ref TokenRecord value)
    {
    }

    /// <inheritdoc/>
    public void CheckpointCompletionCallback(int sessionID, string sessionName, CommitPoint commitPoint)
    {
    }
}
