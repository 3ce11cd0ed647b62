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

    private sealed record Bucket(CompiledRule[] AllOrganizations, Dictionary<string, CompiledRule[]> ByOrganization);

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
    /// rule is compiled; the others keep their compiled form.
    /// </summary>
    public void Replace(string ruleId, RuleSnapshot? snapshot)
    {
        lock (writeLock)
        {
            var current = state;
            var others = current.Rules.Where(r => !string.Equals(r.RuleId, ruleId, StringComparison.Ordinal)).Select(r => r.Snapshot);
            var next = Build(snapshot is null ? others : others.Append(snapshot), current);
            // The others' rejections stand: they were not read again.
            Volatile.Write(ref state, next with { Rejected = [.. current.Rejected.Where(r => !string.Equals(r.RuleId, ruleId, StringComparison.Ordinal)), .. next.Rejected] });
        }
    }

    /// <summary>The rules this event starts: trigger (or correlate signal) event type, organization scope, source, minimum severity.</summary>
    public IReadOnlyList<CompiledRule> Candidates(WorkflowEvent e)
    {
        var current = Volatile.Read(ref state);
        if (!current.ByType.TryGetValue(e.Type, out var bucket))
        {
            return [];
        }
        List<CompiledRule>? found = null;
        Collect(bucket.AllOrganizations, e, ref found);
        if (bucket.ByOrganization.TryGetValue(e.OrganizationId, out var scoped))
        {
            Collect(scoped, e, ref found);
        }
        return (IReadOnlyList<CompiledRule>?)found ?? [];
    }

    private static void Collect(CompiledRule[] rules, WorkflowEvent e, ref List<CompiledRule>? found)
    {
        foreach (var rule in rules)
        {
            if (rule.AcceptsFilters(e))
            {
                (found ??= new List<CompiledRule>(4)).Add(rule);
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
                pair => new Bucket([.. pair.Value.All], pair.Value.ByOrg.ToDictionary(o => o.Key, o => o.Value.ToArray(), StringComparer.Ordinal)),
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
