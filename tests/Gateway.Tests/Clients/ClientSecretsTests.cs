using FastGateway.Clients;

namespace FastGateway.Tests.Clients;

public sealed class ClientSecretsTests
{
    [Fact]
    public void Generate_Returns256BitBase64UrlSecrets_ThatDiffer()
    {
        var a = ClientSecrets.Generate();
        var b = ClientSecrets.Generate();

        Assert.Equal(43, a.Length);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain('+', a);
        Assert.DoesNotContain('/', a);
    }

    [Fact]
    public void Verify_RightSecret_True_WrongOrMissing_False()
    {
        var secret = ClientSecrets.Generate();
        var hash = ClientSecrets.Hash(secret);

        Assert.True(ClientSecrets.Verify(hash, secret));
        Assert.False(ClientSecrets.Verify(hash, secret + "x"));
        Assert.False(ClientSecrets.Verify(hash, ""));
        Assert.False(ClientSecrets.Verify(null, secret));
        Assert.False(ClientSecrets.Verify("not base64!", secret));
        Assert.DoesNotContain(secret, hash, StringComparison.Ordinal);
    }
}
