using System.Text.RegularExpressions;

namespace Respond.Workflows.Validation;

/// <summary>
/// A sanity check of Quartz cron expressions (seconds minutes hours day-of-month month day-of-week [year]).
/// The server's Quartz scheduler has the final word; this catches the usual mistakes while the rule is edited,
/// without referencing Quartz from the workflow engine.
/// </summary>
public static partial class QuartzCronSyntax
{
    [GeneratedRegex(@"^[0-9A-Za-z*?/,\-#]+$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldCharacters();

    private static readonly (string Name, int Min, int Max)[] Fields =
    [
        ("seconds", 0, 59), ("minutes", 0, 59), ("hours", 0, 23), ("day-of-month", 1, 31),
        ("month", 1, 12), ("day-of-week", 1, 7), ("year", 1970, 2199),
    ];

    /// <returns>Null when the expression looks valid, otherwise why it is not.</returns>
    public static string? FindProblem(string? expression)
    {
        var parts = (expression ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 6 or > 7)
        {
            return $"a Quartz cron expression has 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]); this one has {parts.Length}";
        }
        for (var i = 0; i < parts.Length; i++)
        {
            if (!FieldCharacters().IsMatch(parts[i]))
            {
                return $"the {Fields[i].Name} field '{parts[i]}' has characters Quartz does not accept";
            }
            foreach (var token in parts[i].Split([',', '-', '/']))
            {
                // Plain numbers must be in range; names (JAN, MON), L, W and # forms are left to Quartz.
                if (int.TryParse(token, out var number) && !parts[i].Contains('#', StringComparison.Ordinal)
                    && (number < Fields[i].Min || number > Fields[i].Max)
                    && !(parts[i].Contains('/', StringComparison.Ordinal) && token == parts[i].Split('/')[^1]))
                {
                    return $"the {Fields[i].Name} field allows {Fields[i].Min}-{Fields[i].Max}, not {number}";
                }
            }
        }
        var dayOfMonthOpen = parts[3] == "?";
        var dayOfWeekOpen = parts[5] == "?";
        if (dayOfMonthOpen == dayOfWeekOpen)
        {
            return "Quartz needs '?' in exactly one of day-of-month and day-of-week (e.g. '0 0 2 * * ?')";
        }
        return null;
    }
}
