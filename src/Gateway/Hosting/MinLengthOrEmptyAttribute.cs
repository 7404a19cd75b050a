using System.ComponentModel.DataAnnotations;

namespace FastGateway.Hosting;

/// <summary>
/// A string that is unset, empty (both mean "off", e.g. <c>--Admin:ApiKey=</c> turns the admin API off) or at least
/// <see cref="Minimum"/> characters long.
/// </summary>
/// <remarks>Instead of <see cref="MinLengthAttribute"/>, which finds a <c>Count</c> by reflection (not trim-safe), and
/// <see cref="StringLengthAttribute"/>, which refuses the empty string. Checked by <see cref="GatewayOptionsValidator"/>.</remarks>
/// <param name="minimum">Fewest characters of a set value.</param>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class MinLengthOrEmptyAttribute(int minimum) : ValidationAttribute
{
    /// <summary>Fewest characters of a set value.</summary>
    public int Minimum { get; } = minimum;

    /// <inheritdoc/>
    public override bool IsValid(object? value) => value is not string { Length: > 0 } text || text.Length >= Minimum;
}
