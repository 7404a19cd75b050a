using FastGateway.Generated;
using FastGateway.Scopes;
using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Scopes;

public sealed class ScopeCatalogTests
{
    private static int Bit(string name) => GatewayDefinition.TryGetScopeBit(name, out var bit) ? bit : throw new ArgumentException(name);

    [Fact]
    public void TryParse_KnownScopes_ReturnsMask_UnknownNamesTheCulprit()
    {
        Assert.True(ScopeCatalog.TryParse("view  book", out var mask, out _));
        Assert.Equal((1UL << Bit("view")) | (1UL << Bit("book")), mask);

        Assert.False(ScopeCatalog.TryParse("view teleport", out _, out var unknown));
        Assert.Equal("teleport", unknown);
    }

    [Fact]
    public void Format_ListsScopesInTableOrder_AndIsCached()
    {
        using var folder = new TempFolder();
        var catalog = ScopeCatalog.Load(folder.Path);
        var mask = (1UL << Bit("cancel")) | (1UL << Bit("view"));

        var text = catalog.Format(mask);

        Assert.Equal(["cancel", "view"], text.Split(' ').Order());
        Assert.Same(text, catalog.Format(mask));
    }

    [Fact]
    public void ToCurrent_TokenFromOlderScopeSchema_TranslatesByName()
    {
        using var folder = new TempFolder();
        // An earlier gateway.json had bits: 0 = cancel, 1 = view, 2 = a scope since removed.
        File.WriteAllText(Path.Combine(folder.Path, "scope-schemas.json"), """{"schemas":{"0000abcd":["cancel","view","retired"]}}""");
        var catalog = ScopeCatalog.Load(folder.Path);

        var current = catalog.ToCurrent(0b111, 0xabcdu);

        Assert.Equal((1UL << Bit("cancel")) | (1UL << Bit("view")), current);
        Assert.Equal(0UL, catalog.ToCurrent(0b1, 0xdeadu)); // unknown schema: no scopes, never a guess
        Assert.Equal(0b101UL, catalog.ToCurrent(0b101, GatewayDefinition.ScopeSchemaId));
    }

    [Fact]
    public void Load_RecordsCurrentSchemaDurably()
    {
        using var folder = new TempFolder();
        ScopeCatalog.Load(folder.Path);

        var saved = File.ReadAllText(Path.Combine(folder.Path, "scope-schemas.json"));

        Assert.Contains(GatewayDefinition.ScopeSchemaId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), saved, StringComparison.Ordinal);
    }
}
