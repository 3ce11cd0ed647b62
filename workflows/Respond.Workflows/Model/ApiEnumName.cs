using System.Collections.Frozen;

namespace Respond.Workflows;

/// <summary>
/// Converts between C# enum members and API.md's SCREAMING_SNAKE_CASE names (e.g. <c>FORCE_PASSWORD_CHANGE_NEXT_SIGN_IN</c>),
/// which is also how rule JSON spells severities and outcomes. Both directions are looked up in tables built once per
/// enum type: every ingested event's severity goes through <see cref="TryParse{TEnum}"/>.
/// </summary>
public static class ApiEnumName
{
    public static string Format<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.Formatted.TryGetValue(value, out var name) ? name : Spell(value.ToString());

    /// <summary>Accepts the API spelling case-insensitively ("HIGH", "high", "Manual_Approval"); never numbers.</summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        ReadOnlySpan<char> compact = text.AsSpan().Trim();
        if (compact.Contains('_'))
        {
            compact = compact.ToString().Replace("_", "", StringComparison.Ordinal);
        }
        return Names<TEnum>.ByCompactName.TryGetValue(compact, out value);
    }

    private static string Spell(string name)
    {
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

    private static class Names<TEnum> where TEnum : struct, Enum
    {
        /// <summary>Member name without underscores ("ManualApproval"), case-insensitive, to the member.</summary>
        public static readonly FrozenDictionary<string, TEnum> Lookup = Enum.GetValues<TEnum>()
            .DistinctBy(v => v.ToString(), StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(v => v.ToString(), v => v, StringComparer.OrdinalIgnoreCase);

        public static readonly FrozenDictionary<string, TEnum>.AlternateLookup<ReadOnlySpan<char>> ByCompactName =
            Lookup.GetAlternateLookup<ReadOnlySpan<char>>();

        public static readonly FrozenDictionary<TEnum, string> Formatted = Enum.GetValues<TEnum>().Distinct()
            .ToFrozenDictionary(v => v, v => Spell(v.ToString()));
    }
}
