using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Respond.Server.Persistence;

/// <summary>
/// The tracked entries of one entity type for a save interceptor, each checked for changes on its own.
/// <c>ChangeTracker.Entries&lt;T&gt;()</c> would first detect changes on every tracked entity (a unit of the engine tracks
/// hundreds), and SaveChanges does that once more itself. The entities asked for must be added to the context directly,
/// not only reached through another entity's navigation (Respond's are).
/// </summary>
internal static class TrackedEntries
{
    public static List<EntityEntry<T>> Of<T>(DbContext context) where T : class
    {
        var tracker = context.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            var entries = tracker.Entries<T>().ToList();
            foreach (var entry in entries) entry.DetectChanges();
            return entries;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }
}
