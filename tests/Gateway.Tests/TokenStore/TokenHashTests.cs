using FastGateway.TokenStore;

namespace FastGateway.Tests.TokenStore;

public sealed class TokenHashTests
{
    [Fact]
    public void ForFamily_SameFamily_SameKey_OtherFamily_OtherKey()
    {
        var family = FamilyId.New();
        var other = new FamilyId(family.High, family.Low ^ 2);

        Assert.Equal(TokenHash.ForFamily(family), TokenHash.ForFamily(new FamilyId(family.High, family.Low)));
        Assert.NotEqual(TokenHash.ForFamily(family), TokenHash.ForFamily(other));
        // FASTER's index takes the first word: the family id's random high word spreads families over the buckets.
        Assert.Equal((long)family.High, TokenHash.ForFamily(family).GetHashCode64());
    }

    [Fact]
    public void ForFamily_KeyOfFamily_IsNotTheKeyOfItsIdAsTokenText()
    {
        var family = new FamilyId(0x0123456789ABCDEFUL, 0xFEDCBA9876543211UL);
        Assert.True(TokenHash.TryCompute($"family:{family.High:x16}{family.Low:x16}", out var asToken));

        Assert.NotEqual(asToken, TokenHash.ForFamily(family));
        // Pinned: this is the on-disk key of every family record; a change orphans the families of existing stores.
        Assert.Equal("782riWdFIwERMlR2mLrc_mZhbWlseToAAAAAAAAAAAA", TokenHash.ForFamily(family).ToKeyId());
    }
}
