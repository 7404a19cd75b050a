using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace FastGateway.Hosting;

/// <summary>
/// A number from <see cref="Minimum"/> to <see cref="Maximum"/>, both included, or else exactly <see cref="Or"/> when set:
/// a lifetime of -1 (never expires) or 1 to N seconds; a cache size of 0 (off) or at least 64 KiB.
/// </summary>
/// <remarks>
/// Used instead of <see cref="RangeAttribute"/>, which cannot say "or", and whose copy made by the options validator
/// generator (10.0) drops <c>ErrorMessage</c> and converts the value to the bounds' type (0.5 against int bounds reads
/// as 0). Checked by <see cref="GatewayOptionsValidator"/> (source-generated, no reflection). Null is valid, as for
/// every data annotation but <see cref="RequiredAttribute"/>.
/// </remarks>
/// <param name="minimum">Smallest value of the range.</param>
/// <param name="maximum">Largest value of the range.</param>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NumberRangeAttribute(double minimum, double maximum) : ValidationAttribute
{
    /// <summary>Smallest value of the range.</summary>
    public double Minimum { get; } = minimum;

    /// <summary>Largest value of the range.</summary>
    public double Maximum { get; } = maximum;

    /// <summary>A value allowed outside the range (e.g. -1 for "never"); NaN (the default) for none.</summary>
    public double Or { get; set; } = double.NaN;

    /// <inheritdoc/>
    public override bool IsValid(object? value)
    {
        if (value is null)
        {
            return true;
        }

        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        // Exact comparison on purpose: the special values are small integers, exact in a double.
        return (number >= Minimum && number <= Maximum) || number.Equals(Or);
    }
}
