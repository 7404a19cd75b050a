namespace FastGateway.OAuth;

/// <summary>What a revocation request did (200, except <see cref="OtherClient"/>: 400 unauthorized_client).</summary>
internal enum RevocationOutcome : byte
{
    /// <summary>Unknown, malformed, or not an access or refresh token: nothing written.</summary>
    Unknown,
    /// <summary>Issued to another client: nothing written, the request refused (RFC 7009 section 2.1).</summary>
    OtherClient,
    /// <summary>The token itself was marked revoked.</summary>
    TokenRevoked,
    /// <summary>The token's grant family was revoked: every token of the lineage is invalid.</summary>
    FamilyRevoked,
}
