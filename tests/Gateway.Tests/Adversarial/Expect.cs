namespace FastGateway.Tests.Adversarial;

/// <summary>What the contract allows for a case.</summary>
public enum Expect
{
    /// <summary>4xx (Kestrel's bare 400, or the gateway's JSON error) and not one byte upstream.</summary>
    Refuse,

    /// <summary>200 with the client's own answer; exactly one well-formed request upstream.</summary>
    Forward,

    /// <summary>Either of the above, the gateway's choice.</summary>
    Either,
}
