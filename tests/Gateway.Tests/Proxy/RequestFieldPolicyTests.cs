using System.Text;
using FastGateway.Proxy;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Tests.Proxy;

/// <summary>Which client fields reach an upstream, and how Connection's options survive Kestrel.</summary>
public sealed class RequestFieldPolicyTests
{
    private static readonly RequestFieldPolicy Defaults = new([], []);

    [Theory]
    [InlineData("Content-Length")]
    [InlineData("transfer-encoding")]
    [InlineData("X-Scope")]
    [InlineData("X_Scope")]
    [InlineData("x_client_id")]
    [InlineData("X-Client_Id")]
    [InlineData("X_Owner")]
    [InlineData("X_Forwarded_For")]
    [InlineData("X-Forwarded-Port")]
    [InlineData("x-forwarded-uri")]
    [InlineData("Forwarded")]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("x-http-method")]
    [InlineData("X-Method-Override")]
    [InlineData("X_HTTP_Method_Override")]
    [InlineData("X-Original-URL")]
    [InlineData("X-Rewrite-URL")]
    [InlineData("X-Real-IP")]
    [InlineData("True-Client-IP")]
    [InlineData("CF-Connecting-IP")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Keep-Alive")]
    [InlineData("TE")]
    [InlineData("Authorization")]
    [InlineData("traceparent")]
    [InlineData("TraceState")]
    [InlineData("X-Request-Id")]
    [InlineData("X_Request_Id")]
    public void IsStripped_GatewayOwnedOrDenied_IsTrue(string name) => Assert.True(Defaults.IsStripped(name));

    [Theory]
    [InlineData("Accept")]
    [InlineData("X-Correlation-Id")]
    [InlineData("X_Custom")]
    [InlineData("Cookie")]
    public void IsStripped_EndToEndField_IsFalse(string name) => Assert.False(Defaults.IsStripped(name));

    [Fact]
    public void Configuration_AllowAndStrip_ChangeTheDenyListOnly()
    {
        var policy = new RequestFieldPolicy(strip: ["X-Internal"], allow: ["X-Real-IP"]);

        Assert.False(policy.IsStripped("X-Real-IP"));
        Assert.True(policy.IsStripped("X-Internal"));
        Assert.True(policy.IsStripped("X_Internal"));
        Assert.True(policy.IsStripped("True-Client-IP"));
    }

    [Theory]
    [InlineData("X-Scope")]
    [InlineData("X_Client_Id")]
    [InlineData("Content-Length")]
    [InlineData("X-Forwarded-For")]
    public void Configuration_AllowingAGatewayField_IsRefused(string name)
    {
        Assert.Throws<InvalidOperationException>(() => new RequestFieldPolicy([], [name]));
    }

    [Theory]
    [InlineData("keep-alive, X-Hop", "~keep-alive, X-Hop")]
    [InlineData("X-Hop,close", "X-Hop,~close")]
    [InlineData("Upgrade", "~Upgrade")]
    [InlineData("close", "~close")]
    [InlineData("TE, X-Hop", "TE, X-Hop")]
    [InlineData("~close, ~X-Tilde", "~~close,~~X-Tilde")] // a client's own '~' is doubled: never read as a mark
    public void ConnectionFieldEncoding_KnownOptions_AreMarkedSoKestrelKeepsTheList(string sent, string decoded)
    {
        var encoding = ConnectionFieldEncoding.Select("Connection")!;

        Assert.Equal(decoded, encoding.GetString(Encoding.ASCII.GetBytes(sent)));
        Assert.Null(ConnectionFieldEncoding.Select("X-Hop"));
    }

    [Theory]
    [InlineData("~keep-alive, X-Hop", "x-hop", true)]
    [InlineData("~keep-alive,X-Hop", "keep-alive", true)]
    [InlineData("X-Other", "X-Hop", false)]
    [InlineData("X_Hop", "X-Hop", true)]
    [InlineData("x-hop", "X_HOP", true)]
    [InlineData("~~X-Tilde", "~X-Tilde", true)]
    [InlineData("~~X-Tilde", "X-Tilde", false)]
    [InlineData("~X-Tilde", "X-Tilde", false)] // only a mark before keep-alive, close or upgrade is dropped
    public void IsConnectionOption_ReadsMarkedOptions(string connection, string name, bool listed)
    {
        Assert.Equal(listed, RequestFieldPolicy.IsConnectionOption(new StringValues(connection), name));
    }

    [Theory]
    [InlineData("X-Hop,~close", true)]
    [InlineData("~Close", true)]
    [InlineData("~~close", false)] // the client's own "~close" option, not close
    [InlineData("~keep-alive, X-Hop", false)]
    public void ListsClose_ReadsOnlyTheMarkedClose(string connection, bool listed)
    {
        Assert.Equal(listed, ConnectionFieldEncoding.ListsClose(new StringValues(connection)));
    }
}
