namespace Respond.Workflows;

/// <summary>
/// Converts between C# enum members and API.md's SCREAMING_SNAKE_CASE names (e.g. <c>FORCE_PASSWORD_CHANGE_NEXT_SIGN_IN</c>),
/// which is also how rule JSON spells severities and outcomes.
/// </summary>
public static class ApiEnumName
{
    public static string Format<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }
            builder.Append(char.ToUpperInvariant(name[i]));
        }
        return builder.ToString();
    }

    /// <summary>Accepts the API spelling case-insensitively ("HIGH", "high", "Manual_Approval"); never numbers.</summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var compact = text.Trim().Replace("_", "", StringComparison.Ordinal);
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(candidate.ToString(), compact, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        return false;
    }
}
