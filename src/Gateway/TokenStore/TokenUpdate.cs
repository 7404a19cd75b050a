namespace FastGateway.TokenStore;

/// <summary>The input of a change (read-modify-write) on a stored record.</summary>
/// <param name="State">The new state: <see cref="TokenState.Revoked"/> or <see cref="TokenState.Consumed"/>.</param>
/// <param name="At">When, Unix seconds; recorded as <see cref="TokenRecord.ConsumedAt"/> the first time a record is consumed.</param>
internal readonly record struct TokenUpdate(TokenState State, long At)
{
    /// <summary>
    /// When not default: the change records this key as a grant family's <see cref="TokenRecord.CurrentRefreshToken"/>
    /// and leaves the state alone (see <see cref="SetCurrentRefreshToken"/>).
    /// </summary>
    public TokenHash CurrentRefreshToken { get; init; }

    /// <summary>The change that makes <paramref name="refreshToken"/> its family's one usable refresh token.</summary>
    public static TokenUpdate SetCurrentRefreshToken(TokenHash refreshToken) => new(TokenState.Active, 0) { CurrentRefreshToken = refreshToken };

    /// <summary>Applies the change to a record.</summary>
    public void ApplyTo(ref TokenRecord record)
    {
        // Revoked is final; the first consumption time is kept so grace windows count from it.
        if (record.State == TokenState.Revoked)
        {
            return;
        }

        if (!CurrentRefreshToken.Equals(default))
        {
            record.CurrentRefreshToken = CurrentRefreshToken;
            return;
        }

        if (State == TokenState.Consumed && record.State != TokenState.Consumed)
        {
            record.ConsumedAt = At;
        }

        record.State = State;
    }
}
