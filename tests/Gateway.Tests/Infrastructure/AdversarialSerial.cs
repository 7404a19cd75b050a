namespace FastGateway.Tests.Infrastructure;

/// <summary>The adversarial classes run one at a time: each has its own gateway, and some cases depend on timing.</summary>
[CollectionDefinition(Name)]
public sealed class AdversarialSerial
{
    public const string Name = "adversarial";
}
