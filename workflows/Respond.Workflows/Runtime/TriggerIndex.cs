using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Respond.Workflows.Activities.Conditions;

namespace Respond.Workflows.Runtime;

/// <summary>A <c>trigger.schedule</c> rule for the server's scheduler (Quartz): cron in its IANA time zone.</summary>
public sealed record CronTrigger(string RuleId, string Cron, string TimeZone, CompiledRule Rule);

/// <summary>A rule left out of the index because its definition does not validate; it never runs.</summary>
public sealed record RejectedRule(string RuleId, int Version, IReadOnlyList<ValidationError> Errors);

/// <summary>
/// Finds the active rules an event can start, by event type then organization scope, so an event costs work
/// proportional to the rules that can match it, not to all rules. Immutable snapshots swapped atomically by
/// <see cref="Replace(IEnumerable{RuleSnapshot})"/> or one rule at a time (copy-on-write): readers never lock and never see a half-built index.
/// </summary>
public sealed class TriggerIndex
{
    private readonly Lock writeLock = new();
    private State state;
    private long compilations;

    public TriggerIndex()
        : this([])
    {
    }

    public TriggerIndex(IEnumerable<RuleSnapshot> rules) => state = Build(rules, null);

    private sealed record Bucket(RuleSelector AllOrganizations, Dictionary<string, RuleSelector> ByOrganization);

    private sealed record State(
        Dictionary<string, Bucket> ByType,
        Dictionary<string, CompiledRule> ById,
        CompiledRule[] Rules,
        CronTrigger[] CronTriggers,
        RejectedRule[] Rejected);

    /// <summary>Every rule in the index (valid ones only), by rule id.</summary>
    public IReadOnlyList<CompiledRule> Rules => Volatile.Read(ref state).Rules;

    public IReadOnlyList<CronTrigger> CronTriggers => Volatile.Read(ref state).CronTriggers;

    /// <summary>Rules whose definition did not validate, with why; the server may surface them.</summary>
    public IReadOnlyList<RejectedRule> Rejected => Volatile.Read(ref state).Rejected;

    /// <summary>How many rule versions this index compiled since it was created (an unchanged rule is never compiled again).</summary>
    public long Compilations => Interlocked.Read(ref compilations);

    public CompiledRule? Find(string ruleId) => Volatile.Read(ref state).ById.GetValueOrDefault(ruleId);

    /// <summary>
    /// Swaps in a new set of active rules (a rule activated, paused or edited). Rules whose version, hash, outcome and
    /// scope did not change keep their compiled form.
    /// </summary>
    public void Replace(IEnumerable<RuleSnapshot> rules)
    {
        lock (writeLock)
        {
            Volatile.Write(ref state, Build(rules, state));
        }
    }

    /// <summary>
    /// Swaps in the change of one rule (activated, edited, paused or deleted: <paramref name="snapshot"/> null). Only that
    /// rule is compiled, and only the selectors it was or is in are rebuilt (within them, only its own required-value
    /// lookup): activating one rule in a library of 10,000 costs its own compilation, not a rebuild of the library.
    /// </summary>
    public void Replace(string ruleId, RuleSnapshot? snapshot)
    {
        lock (writeLock)
        {
            var current = state;
            var old = current.ById.GetValueOrDefault(ruleId);
            if (old is null && snapshot is null)
            {
                // Not running and not to run (a rule created inactive, say): nothing to change, not even its rejection.
                Volatile.Write(ref state, current with { Rejected = WithoutRejection(current, ruleId) });
                return;
            }
            if (old is not null && snapshot is not null && Same(old.Snapshot, snapshot))
            {
                return;
            }
            CompiledRule? added = null;
            var rejected = WithoutRejection(current, ruleId);
            if (snapshot is not null)
            {
                if (Compile(snapshot, out var compiled, out var errors))
                {
                    added = compiled;
                }
                else
                {
                    rejected = [.. rejected, new RejectedRule(snapshot.RuleId, snapshot.Version, errors)];
                }
            }
            var byType = new Dictionary<string, Bucket>(current.ByType, StringComparer.Ordinal);
            if (old is not null)
            {
                Place(byType, old, (selector, rule) => selector.Without(rule));
            }
            if (added is not null)
            {
                Place(byType, added, (selector, rule) => selector.With(rule));
            }
            var byId = new Dictionary<string, CompiledRule>(current.ById, StringComparer.Ordinal);
            byId.Remove(ruleId);
            var rules = current.Rules.Where(r => !string.Equals(r.RuleId, ruleId, StringComparison.Ordinal)).ToList();
            if (added is not null)
            {
                byId[ruleId] = added;
                var at = rules.BinarySearch(added, Comparer<CompiledRule>.Create((a, b) => string.CompareOrdinal(a.RuleId, b.RuleId)));
                rules.Insert(at < 0 ? ~at : at, added);
            }
            var cron = old?.IsScheduled == true || added?.IsScheduled == true
                ? [.. rules.Where(r => r.IsScheduled).Select(r => new CronTrigger(r.RuleId, r.Cron!, r.TimeZone!, r))]
                : current.CronTriggers;
            Volatile.Write(ref state, new State(byType, byId, [.. rules], cron, rejected));
        }
    }

    private static RejectedRule[] WithoutRejection(State current, string ruleId) =>
        current.Rejected.Any(r => string.Equals(r.RuleId, ruleId, StringComparison.Ordinal))
            ? [.. current.Rejected.Where(r => !string.Equals(r.RuleId, ruleId, StringComparison.Ordinal))]
            : current.Rejected;

    /// <summary>Applies <paramref name="change"/> to every selector <paramref name="rule"/> belongs in (its event types, its organizations), copying what it touches.</summary>
    private static void Place(Dictionary<string, Bucket> byType, CompiledRule rule, Func<RuleSelector, CompiledRule, RuleSelector> change)
    {
        if (rule.IsScheduled)
        {
            return;
        }
        foreach (var type in rule.EventTypes)
        {
            var bucket = byType.GetValueOrDefault(type) ?? new Bucket(RuleSelector.Empty, new Dictionary<string, RuleSelector>(StringComparer.Ordinal));
            if (rule.Snapshot.OrganizationIds.Count == 0)
            {
                bucket = bucket with { AllOrganizations = change(bucket.AllOrganizations, rule) };
            }
            else
            {
                var byOrganization = new Dictionary<string, RuleSelector>(bucket.ByOrganization, StringComparer.Ordinal);
                foreach (var organization in rule.Snapshot.OrganizationIds.Distinct(StringComparer.Ordinal))
                {
                    byOrganization[organization] = change(byOrganization.GetValueOrDefault(organization) ?? RuleSelector.Empty, rule);
                }
                bucket = bucket with { ByOrganization = byOrganization };
            }
            byType[type] = bucket;
        }
    }

    /// <summary>The rules this event starts: trigger (or correlate signal) event type, organization scope, source, minimum severity.</summary>
    public IReadOnlyList<CompiledRule> Candidates(WorkflowEvent e) => Select(e, proceeding: false);

    /// <summary>
    /// The rules this event starts and that get past their event-only blocks (<see cref="CompiledRule.Proceeds"/>): the ones
    /// that need an instance. Rules that require a text value of a field are looked up by the event's value, so the cost
    /// grows with the rules that can match, not with all rules of the event's type.
    /// </summary>
    public IReadOnlyList<CompiledRule> Proceeding(WorkflowEvent e) => Select(e, proceeding: true);

    private List<CompiledRule> Select(WorkflowEvent e, bool proceeding)
    {
        var current = Volatile.Read(ref state);
        if (!current.ByType.TryGetValue(e.Type, out var bucket))
        {
            return [];
        }
        var found = new List<CompiledRule>();
        bucket.AllOrganizations.Collect(e, proceeding, found);
        if (bucket.ByOrganization.TryGetValue(e.OrganizationId, out var scoped))
        {
            scoped.Collect(e, proceeding, found);
        }
        if (found.Count > 1)
        {
            found.Sort((a, b) => string.CompareOrdinal(a.RuleId, b.RuleId)); // the same order whichever way a rule was found
        }
        return found;
    }

    /// <summary>One bucket's rules: those with a <see cref="CompiledRule.Required"/> condition by field and value, the rest in a list.</summary>
    private sealed class RuleSelector
    {
        public static readonly RuleSelector Empty = new([]);

        private readonly CompiledRule[] all;
        private readonly CompiledRule[] scanned;
        private readonly Dictionary<(string Path, RequiredKind Kind), RequiredLookup> lookups;

        public RuleSelector(IReadOnlyList<CompiledRule> rules)
            : this([.. rules], [.. rules.Where(r => r.Required is null)], rules.Where(r => r.Required is not null)
                .GroupBy(LookupKey)
                .ToDictionary(group => group.Key, group => RequiredLookup.Create(group.First().Required!.Field, group.Key.Kind, [.. group])))
        {
        }

        private RuleSelector(CompiledRule[] all, CompiledRule[] scanned, Dictionary<(string Path, RequiredKind Kind), RequiredLookup> lookups)
        {
            this.all = all;
            this.scanned = scanned;
            this.lookups = lookups;
        }

        private static (string Path, RequiredKind Kind) LookupKey(CompiledRule rule) => (rule.Required!.Field.Path, rule.Required.Kind);

        /// <summary>This selector with <paramref name="rule"/> added; only the lookup it joins is rebuilt.</summary>
        public RuleSelector With(CompiledRule rule) => Changed(rule, rules => [.. rules, rule]);

        /// <summary>This selector without <paramref name="rule"/>; only the lookup it leaves is rebuilt.</summary>
        public RuleSelector Without(CompiledRule rule) => Changed(rule, rules => [.. rules.Where(r => !ReferenceEquals(r, rule))]);

        private RuleSelector Changed(CompiledRule rule, Func<CompiledRule[], CompiledRule[]> change)
        {
            if (rule.Required is null)
            {
                return new RuleSelector(change(all), change(scanned), lookups);
            }
            var key = LookupKey(rule);
            var members = change(lookups.TryGetValue(key, out var lookup) ? lookup.Rules : []);
            var changed = new Dictionary<(string Path, RequiredKind Kind), RequiredLookup>(lookups);
            if (members.Length == 0)
            {
                changed.Remove(key);
            }
            else
            {
                changed[key] = RequiredLookup.Create(rule.Required.Field, key.Kind, members);
            }
            return new RuleSelector(change(all), scanned, changed);
        }

        public void Collect(WorkflowEvent e, bool proceeding, List<CompiledRule> found)
        {
            if (!proceeding)
            {
                foreach (var rule in all)
                {
                    if (rule.AcceptsFilters(e)) found.Add(rule);
                }
                return;
            }
            foreach (var rule in scanned)
            {
                if (rule.AcceptsFilters(e) && rule.Proceeds(e)) found.Add(rule);
            }
            foreach (var lookup in lookups.Values)
            {
                lookup.Collect(e, found);
            }
        }
    }

    /// <summary>
    /// Rules whose required condition tests one field the same way, found from the event's value: text equality by a
    /// dictionary, address blocks by the masked address per prefix length, substrings by one multi-string search (a hit
    /// then tests those rules one by one). Each rule found is still checked in full (<see cref="CompiledRule.Proceeds"/>).
    /// </summary>
    private abstract class RequiredLookup(EventFieldPath field, CompiledRule[] rules)
    {
        /// <summary>The rules this lookup finds, to rebuild it when one of them changes.</summary>
        public CompiledRule[] Rules { get; } = rules;

        public static RequiredLookup Create(EventFieldPath field, RequiredKind kind, CompiledRule[] rules) => kind switch
        {
            RequiredKind.Equality => new EqualityLookup(field, rules),
            RequiredKind.Network => new NetworkLookup(field, rules),
            _ => new SubstringLookup(field, rules),
        };

        public void Collect(WorkflowEvent e, List<CompiledRule> found)
        {
            if (field.Resolve(e) is { } actual)
            {
                Collect(actual, e, found);
            }
        }

        protected abstract void Collect(JsonElement actual, WorkflowEvent e, List<CompiledRule> found);

        protected static void Add(IEnumerable<CompiledRule> rules, WorkflowEvent e, List<CompiledRule> found, bool maybeFoundAlready)
        {
            foreach (var rule in rules)
            {
                if (rule.AcceptsFilters(e) && (!maybeFoundAlready || !found.Contains(rule)) && rule.Proceeds(e)) found.Add(rule);
            }
        }

        private static IEnumerable<FieldCondition> Conditions(CompiledRule rule) => rule.Required!.Conditions;

        private sealed class EqualityLookup(EventFieldPath field, CompiledRule[] rules) : RequiredLookup(field, rules)
        {
            private readonly Dictionary<string, CompiledRule[]> byValue = rules
                .SelectMany(r => Conditions(r).SelectMany(c => c.EqualityKeys!).Distinct(StringComparer.OrdinalIgnoreCase).Select(v => (Value: v, Rule: r)))
                .GroupBy(p => p.Value, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Rule).ToArray(), StringComparer.OrdinalIgnoreCase);

            protected override void Collect(JsonElement actual, WorkflowEvent e, List<CompiledRule> found)
            {
                if (actual.ValueKind == JsonValueKind.String)
                {
                    if (byValue.TryGetValue(actual.GetString()!, out var hit)) Add(hit, e, found, maybeFoundAlready: false);
                    return;
                }
                if (actual.ValueKind != JsonValueKind.Array) return;
                foreach (var item in actual.EnumerateArray())
                {
                    // A list can hold two values of one rule: that rule is found once.
                    if (item.ValueKind == JsonValueKind.String && byValue.TryGetValue(item.GetString()!, out var hit)) Add(hit, e, found, maybeFoundAlready: true);
                }
            }
        }

        private sealed class NetworkLookup : RequiredLookup
        {
            // Per address family and prefix length, the networks' base addresses as numbers (an IPv4 address in the
            // low 32 bits; a block's host bits are zero, FieldConditions.TryParseCidr): an event's address is masked
            // with arithmetic, not with a masked copy of it per prefix.
            private readonly (AddressFamily Family, UInt128 Mask, Dictionary<UInt128, CompiledRule[]> ByBase)[] byPrefix;

            public NetworkLookup(EventFieldPath field, CompiledRule[] rules) : base(field, rules) =>
                byPrefix = [.. rules
                    .SelectMany(r => Conditions(r).SelectMany(c => c.Networks!).Distinct().Select(n => (Network: n, Rule: r)))
                    .GroupBy(p => (p.Network.BaseAddress.AddressFamily, p.Network.PrefixLength))
                    .Select(g => (g.Key.AddressFamily, Mask(g.Key.AddressFamily, g.Key.PrefixLength),
                        g.GroupBy(p => Number(p.Network.BaseAddress))
                            .ToDictionary(b => b.Key, b => b.Select(p => p.Rule).Distinct().ToArray())))];

            protected override void Collect(JsonElement actual, WorkflowEvent e, List<CompiledRule> found)
            {
                if (FieldConditions.AddressOf(actual) is not { } address) return;
                var number = Number(address);
                foreach (var (family, mask, byBase) in byPrefix)
                {
                    if (family == address.AddressFamily && byBase.TryGetValue(number & mask, out var hit)) Add(hit, e, found, maybeFoundAlready: true);
                }
            }

            private static UInt128 Number(IPAddress address)
            {
                Span<byte> bytes = stackalloc byte[16];
                address.TryWriteBytes(bytes, out var written);
                return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
            }

            private static UInt128 Mask(AddressFamily family, int prefix)
            {
                var bits = family == AddressFamily.InterNetwork ? 32 : 128;
                var all = bits == 32 ? uint.MaxValue : UInt128.MaxValue;
                return prefix <= 0 ? UInt128.Zero : (all << (bits - prefix)) & all;
            }
        }

        private sealed class SubstringLookup(EventFieldPath field, CompiledRule[] rules) : RequiredLookup(field, rules)
        {
            private readonly SearchValues<string> needles = SearchValues.Create(
                [.. rules.SelectMany(r => Conditions(r).SelectMany(c => c.Substrings!)).Distinct(StringComparer.OrdinalIgnoreCase)],
                StringComparison.OrdinalIgnoreCase);

            protected override void Collect(JsonElement actual, WorkflowEvent e, List<CompiledRule> found)
            {
                // On a list, contains compares items: those rules are tested one by one.
                if (actual.ValueKind == JsonValueKind.Array || (EventFieldPath.Text(actual) is { } text && text.AsSpan().IndexOfAny(needles) >= 0))
                {
                    Add(Rules, e, found, maybeFoundAlready: false);
                }
            }
        }
    }

    private State Build(IEnumerable<RuleSnapshot> snapshots, State? previous)
    {
        var rules = new List<CompiledRule>();
        var rejected = new List<RejectedRule>();
        // One version per rule: the newest wins if a caller passes several.
        foreach (var snapshot in snapshots.GroupBy(s => s.RuleId, StringComparer.Ordinal).Select(g => g.MaxBy(s => s.Version)!))
        {
            if (previous?.ById.GetValueOrDefault(snapshot.RuleId) is { } known && Same(known.Snapshot, snapshot))
            {
                rules.Add(known);
            }
            else if (Compile(snapshot, out var compiled, out var errors))
            {
                rules.Add(compiled);
            }
            else
            {
                rejected.Add(new RejectedRule(snapshot.RuleId, snapshot.Version, errors));
            }
        }
        rules.Sort((a, b) => string.CompareOrdinal(a.RuleId, b.RuleId));

        var byType = new Dictionary<string, (List<CompiledRule> All, Dictionary<string, List<CompiledRule>> ByOrg)>(StringComparer.Ordinal);
        foreach (var rule in rules.Where(r => !r.IsScheduled))
        {
            foreach (var type in rule.EventTypes)
            {
                if (!byType.TryGetValue(type, out var bucket))
                {
                    byType[type] = bucket = ([], new Dictionary<string, List<CompiledRule>>(StringComparer.Ordinal));
                }
                if (rule.Snapshot.OrganizationIds.Count == 0)
                {
                    bucket.All.Add(rule);
                    continue;
                }
                foreach (var organization in rule.Snapshot.OrganizationIds.Distinct(StringComparer.Ordinal))
                {
                    if (!bucket.ByOrg.TryGetValue(organization, out var list))
                    {
                        bucket.ByOrg[organization] = list = [];
                    }
                    list.Add(rule);
                }
            }
        }
        return new State(
            byType.ToDictionary(
                pair => pair.Key,
                pair => new Bucket(new RuleSelector(pair.Value.All), pair.Value.ByOrg.ToDictionary(o => o.Key, o => new RuleSelector(o.Value), StringComparer.Ordinal)),
                StringComparer.Ordinal),
            rules.ToDictionary(rule => rule.RuleId, StringComparer.Ordinal),
            [.. rules],
            [.. rules.Where(r => r.IsScheduled).Select(r => new CronTrigger(r.RuleId, r.Cron!, r.TimeZone!, r))],
            [.. rejected]);
    }

    private bool Compile(RuleSnapshot snapshot, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CompiledRule? compiled, out IReadOnlyList<ValidationError> errors)
    {
        Interlocked.Increment(ref compilations);
        return CompiledRule.TryCompile(snapshot, out compiled, out errors);
    }

    private static bool Same(RuleSnapshot a, RuleSnapshot b) =>
        a.Version == b.Version && a.DefinitionHash == b.DefinitionHash && a.Outcome == b.Outcome
        && a.OrganizationIds.SequenceEqual(b.OrganizationIds, StringComparer.Ordinal);
}
