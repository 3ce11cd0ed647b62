using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Respond.Server.Persistence;

/// <summary>
/// A list of short strings stored as one text column, joined by a separator no item holds (webhook event names,
/// delivered notification keys, Slack user ids), compared by its items so that a change to the list is saved.
/// </summary>
internal static class SeparatedTextColumn
{
    public static PropertyBuilder<List<string>> AsSeparatedText(this PropertyBuilder<List<string>> property, char separator, int maxLength) =>
        property.HasMaxLength(maxLength).HasConversion(
            v => string.Join(separator, v), v => v.Split(separator, StringSplitOptions.RemoveEmptyEntries).ToList(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)), v => v.ToList()));
}
