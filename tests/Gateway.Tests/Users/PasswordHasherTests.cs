using FastGateway.Users;

namespace FastGateway.Tests.Users;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Hash_IsSaltedPbkdf2_AndVerifiesOnlyTheRightPassword()
    {
        var first = PasswordHasher.Hash("correct horse battery staple");
        var second = PasswordHasher.Hash("correct horse battery staple");

        Assert.StartsWith($"pbkdf2-sha256${PasswordHasher.Iterations}$", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second); // fresh salt each time
        Assert.DoesNotContain("correct horse", first, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify(first, "correct horse battery staple"));
        Assert.False(PasswordHasher.Verify(first, "correct horse battery stapl"));
        Assert.False(PasswordHasher.Verify(null, "correct horse battery staple"));
        Assert.False(PasswordHasher.Verify("md5$whatever", "correct horse battery staple"));
    }
}
