using System.Globalization;
using System.Text.RegularExpressions;

namespace Respond.Workflows;

/// <summary>
/// An ISO-8601 duration of fixed length: <c>PnW</c> or <c>PnDTnHnMnS</c> (e.g. <c>PT10M</c>, <c>P1DT12H</c>, <c>PT0.5S</c>).
/// Years and months are refused because their length depends on the calendar, and rule windows must not.
/// </summary>
public readonly partial record struct IsoDuration(TimeSpan Value)
{
    [GeneratedRegex(@"^P(?:(?<w>\d+)W|(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+(?:[.,]\d+)?)S)?)?)$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out IsoDuration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            return false;
        }
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }
        var hasTime = match.Groups["h"].Success || match.Groups["m"].Success || match.Groups["s"].Success;
        var hasDate = match.Groups["w"].Success || match.Groups["d"].Success;
        // "P" alone and "P1DT" are syntactically empty components; ISO-8601 forbids both.
        if ((!hasTime && !hasDate) || (text.Contains('T', StringComparison.OrdinalIgnoreCase) && !hasTime))
        {
            return false;
        }
        try
        {
            var seconds = Number(match, "w") * 7 * 86400m + Number(match, "d") * 86400m + Number(match, "h") * 3600m
                + Number(match, "m") * 60m + Number(match, "s");
            if (seconds > (decimal)TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }
            duration = new IsoDuration(TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond)));
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static decimal Number(Match match, string group) =>
        match.Groups[group].Success
            ? decimal.Parse(match.Groups[group].Value.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : 0m;

    public override string ToString()
    {
        if (Value == TimeSpan.Zero)
        {
            return "PT0S";
        }
        var text = new System.Text.StringBuilder("P");
        if (Value.Days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Value.Days}D");
        }
        var rest = Value - TimeSpan.FromDays(Value.Days);
        if (rest > TimeSpan.Zero)
        {
            text.Append('T');
            if (rest.Hours > 0) text.Append(CultureInfo.InvariantCulture, $"{rest.Hours}H");
            if (rest.Minutes > 0) text.Append(CultureInfo.InvariantCulture, $"{rest.Minutes}M");
            var seconds = rest.Seconds + rest.Milliseconds / 1000m + (rest.Ticks % TimeSpan.TicksPerMillisecond) / (decimal)TimeSpan.TicksPerSecond;
            if (seconds > 0) text.Append(CultureInfo.InvariantCulture, $"{seconds:0.#######}S");
        }
        return text.ToString();
    }
}
