namespace FastGateway.TokenStore;

/// <summary>The input of a state change (read-modify-write) on a stored record.</summary>
/// <param name="State">The new state: <see cref="TokenState.Revoked"/> or <see cref="TokenState.Consumed"/>.</param>
/// <param name="At">When, Unix seconds; recorded as <see cref="TokenRecord.ConsumedAt"/> the first time a record is consumed.</param>
internal readonly record struct TokenUpdate(TokenState State, long At)
{
    /// <summary>Applies the change to a record.</summary>
    public void ApplyTo(ref TokenRecord record)
    {
        // Revoked is final; the first consumption time is kept so grace windows count from it.
        if (record.State == TokenState.Revoked)
        {
            return;
        }

        if (State == TokenState.Consumed && record.State != TokenState.Consumed)
        {
            record.ConsumedAt = At;
        }

        record.State = State;
    }
}
