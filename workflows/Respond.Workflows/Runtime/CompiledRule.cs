using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Respond.Workflows.Activities;
using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Activities.Triggers;
using Respond.Workflows.Validation;

[assembly: InternalsVisibleTo("Respond.Workflows.Tests")]

namespace Respond.Workflows.Runtime;

/// <summary>
/// A rule version pre-processed once for running: nodes by id, outgoing edges by (node, port), configs parsed
/// (regexes with a match timeout, CIDRs, durations, field paths), and what its trigger listens to.
/// </summary>
public sealed class CompiledRule
{
    /// <summary>Every regex of a condition is bounded by this match timeout; a timeout counts as no match.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly HashSet<string>? organizations;

    private CompiledRule(RuleSnapshot snapshot, Dictionary<string, CompiledNode> nodes, CompiledNode trigger)
    {
        Snapshot = snapshot;
        Nodes = nodes;
        Trigger = trigger;
        organizations = snapshot.OrganizationIds.Count == 0 ? null : new HashSet<string>(snapshot.OrganizationIds, StringComparer.Ordinal);
        if (trigger.Block is EventTrigger)
        {
            var filter = trigger.Compiled<EventTrigger.Settings>();
            // WORKFLOWS.md: a correlate signal's event types also feed the trigger.
            var signalTypes = nodes.Values.Where(node => node.Block is CorrelateCondition)
                .SelectMany(node => node.Compiled<CorrelateCondition.Settings>().Signals)
                .SelectMany(signal => (IEnumerable<string>?)signal.EventTypes ?? []);
            EventTypes = [.. filter.EventTypes.Concat(signalTypes).Distinct(StringComparer.Ordinal)];
            Sources = filter.Sources;
            MinSeverity = filter.MinSeverity;
        }
        else
        {
            var schedule = trigger.Compiled<ScheduleTrigger.Settings>();
            Cron = schedule.Cron;
            TimeZone = schedule.TimeZone;
        }
        Required = FindRequired();
        CountsFirst = FindCountsFirst();
        countsFirstMayNotDecide = CountsFirst is not null && ChainToCountsFirst().Any(node => node.Block.MayNotDecide(node));
    }

    private readonly bool countsFirstMayNotDecide;

    /// <summary>
    /// The <c>condition.threshold</c> the rule reaches first, when the rule is a chain of event-only blocks (the trigger,
    /// field matches, each with one way on) into it and its <c>false</c> port leads nowhere: an event that does not bring
    /// the count up ends the rule there, with no effect. The engine then counts before it creates an instance, and creates
    /// one only when the count is reached (<see cref="WorkflowEngine.StartIfProceedsAsync"/>). Null for other rules.
    /// </summary>
    internal CompiledNode? CountsFirst { get; }

    private CompiledNode? FindCountsFirst()
    {
        var node = Trigger;
        for (var depth = 0; !IsScheduled && depth <= Nodes.Count; depth++)
        {
            if (node.Block is ThresholdCondition)
            {
                return node.Next(BlockPorts.False).Count == 0 ? node : null;
            }
            if (node.Block is not (EventTrigger or MatchCondition) || node.OnlyNext is not { } next)
            {
                return null;
            }
            node = Nodes[next];
        }
        return null;
    }

    private IEnumerable<CompiledNode> ChainToCountsFirst()
    {
        for (var node = Trigger; !ReferenceEquals(node, CountsFirst); node = Nodes[node.OnlyNext!])
        {
            yield return node;
        }
    }

    /// <summary>
    /// For an event this rule <see cref="Proceeds"/> on: true when the event reaches <see cref="CountsFirst"/>, so the
    /// engine may count it before an instance exists. <see cref="Proceeds"/> walked the same chain and said yes, so it
    /// does, unless a block of the chain could not decide (a regex past its time limit: <see cref="Proceeds"/> then says
    /// yes so that the instance runs and records it). Only a chain with such a block is walked again.
    /// </summary>
    internal bool ProceedingReachesCountsFirst(WorkflowEvent e) => !countsFirstMayNotDecide || ReachesCountsFirst(e);

    /// <summary>
    /// True when the event passes every event-only block of the chain into <see cref="CountsFirst"/>, so the run would
    /// reach it. False when one says no or cannot tell (a regex past its time limit: the instance then runs, and records it).
    /// </summary>
    private bool ReachesCountsFirst(WorkflowEvent e)
    {
        try
        {
            return ChainToCountsFirst().All(node => node.Block.DecideOnEvent(node, e) is { } port && node.Next(port).Count > 0);
        }
        catch (RegexConditionTimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// A condition on one field that the event must meet for the rule to proceed (<see cref="Proceeds"/>), when the rule's
    /// trigger leads only to a <c>condition.match</c> whose <c>false</c> port leads nowhere: one of its <c>all</c>
    /// conditions, or all of its <c>any</c> conditions when they test one field the same way. The trigger index looks such
    /// rules up by the event's value instead of testing each (text equality first, then address blocks, then substrings).
    /// Null for other rules.
    /// </summary>
    internal RequiredCondition? Required { get; }

    private RequiredCondition? FindRequired()
    {
        if (IsScheduled || Trigger.Next(BlockPorts.Next) is not [var first] || Nodes[first] is not { Block: MatchCondition } match
            || match.Next(BlockPorts.False).Count > 0)
        {
            return null;
        }
        var conditions = match.Compiled<ConditionSet>();
        foreach (var kind in (RequiredKind[])[RequiredKind.Equality, RequiredKind.Network, RequiredKind.Substring])
        {
            if (conditions.All.FirstOrDefault(c => RequiredCondition.Of(kind, c)) is { } one)
            {
                return new RequiredCondition(one.Field, kind, [one]);
            }
            if (conditions.All.Count == 0 && conditions.Any.Count > 0 && conditions.Any.All(c => RequiredCondition.Of(kind, c))
                && conditions.Any.Select(c => c.Field.Path).Distinct(StringComparer.Ordinal).Count() == 1)
            {
                return new RequiredCondition(conditions.Any[0].Field, kind, [.. conditions.Any]);
            }
        }
        return null;
    }

    /// <summary>
    /// True when the event gets past the rule's event-only blocks (the trigger, field matches) to a block that counts,
    /// waits, raises or acts: only then does the engine create an instance. The same compiled conditions as the run's,
    /// without detail. A condition that throws (a regex past its time limit) lets the instance run, so its error is recorded.
    /// </summary>
    public bool Proceeds(WorkflowEvent e)
    {
        try
        {
            return Reaches(Trigger, e, 0);
        }
        catch (RegexConditionTimeoutException)
        {
            return true;
        }
    }

    private bool Reaches(CompiledNode node, WorkflowEvent e, int depth)
    {
        // The validator refuses cycles; the bound only keeps a malformed graph from recursing forever.
        if (depth > Nodes.Count || node.Block.DecideOnEvent(node, e) is not { } port)
        {
            return true;
        }
        // Indexed: a foreach over the list's interface boxes an enumerator, for every candidate rule of every event.
        var next = node.Next(port);
        for (var i = 0; i < next.Count; i++)
        {
            if (Reaches(Nodes[next[i]], e, depth + 1))
            {
                return true;
            }
        }
        return false;
    }

    public RuleSnapshot Snapshot { get; }

    public string RuleId => Snapshot.RuleId;

    public IReadOnlyDictionary<string, CompiledNode> Nodes { get; }

    public CompiledNode Trigger { get; }

    /// <summary>Event types that start the rule (the trigger's and its correlate signals'); empty for a schedule trigger.</summary>
    public IReadOnlyList<string> EventTypes { get; } = [];

    /// <summary>Null: any source.</summary>
    public IReadOnlySet<string>? Sources { get; }

    public Severity? MinSeverity { get; }

    /// <summary>Set for a <c>trigger.schedule</c> rule: Quartz cron and IANA time zone (UTC when the rule names none).</summary>
    public string? Cron { get; }

    public string? TimeZone { get; }

    public bool IsScheduled => Cron is not null;

    /// <summary>
    /// Validates (graph, configs, outcome) and compiles; a rule the validator refuses is not compiled, so a broken
    /// draft can never run.
    /// </summary>
    public static bool TryCompile(RuleSnapshot rule, [NotNullWhen(true)] out CompiledRule? compiled, out IReadOnlyList<ValidationError> errors) =>
        TryCompile(rule, rule.Outcome, out compiled, out errors);

    /// <summary>Tests use this to build a rule whose graph breaks its outcome, to prove the runtime still enforces it.</summary>
    internal static bool TryCompile(RuleSnapshot rule, RuleOutcome validateAs, [NotNullWhen(true)] out CompiledRule? compiled,
        out IReadOnlyList<ValidationError> errors)
    {
        compiled = null;
        var found = new List<ValidationError>();
        DefinitionValidator.Validate(rule.Definition, validateAs, found);
        errors = found;
        if (found.Count > 0)
        {
            return false;
        }
        var edges = rule.Definition.Edges.ToLookup(edge => edge.From, StringComparer.Ordinal);
        var nodes = new Dictionary<string, CompiledNode>(StringComparer.Ordinal);
        CompiledNode? trigger = null;
        foreach (var node in rule.Definition.Nodes)
        {
            var block = BlockCatalog.FindBlock(node.Type)!;
            var byPort = edges[node.Id]
                .GroupBy(edge => edge.Port ?? block.Descriptor.Ports[0], StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Select(edge => edge.To).ToArray(), StringComparer.Ordinal);
            var compiledNode = new CompiledNode(node, block, block.Compile(node, rule.Definition), byPort);
            nodes[node.Id] = compiledNode;
            if (block.Descriptor.Category == BlockCategory.Trigger)
            {
                trigger = compiledNode;
            }
        }
        compiled = new CompiledRule(rule, nodes, trigger!);
        return true;
    }

    /// <summary>Compiles or throws <see cref="InvalidOperationException"/> listing the validation errors.</summary>
    public static CompiledRule Compile(RuleSnapshot rule) =>
        TryCompile(rule, out var compiled, out var errors)
            ? compiled
            : throw new InvalidOperationException(
                $"Rule '{rule.RuleId}' v{rule.Version} is not valid: " + string.Join(" ", errors.Select(e => e.Message)));

    /// <summary>True when the event starts this rule: type, organization scope, source and minimum severity.</summary>
    public bool Accepts(WorkflowEvent e) =>
        !IsScheduled && EventTypes.Contains(e.Type, StringComparer.Ordinal) && AcceptsOrganization(e.OrganizationId) && AcceptsFilters(e);

    internal bool AcceptsOrganization(string organizationId) => organizations is null || organizations.Contains(organizationId);

    internal bool AcceptsFilters(WorkflowEvent e) =>
        (Sources is null || Sources.Contains(e.Source)) && (MinSeverity is not { } min || e.Severity >= min);
}

internal enum RequiredKind { Equality, Network, Substring }

/// <summary>What <see cref="CompiledRule.Required"/> found: the field, how it is tested, and the conditions (one holds when the rule proceeds).</summary>
internal sealed record RequiredCondition(EventFieldPath Field, RequiredKind Kind, IReadOnlyList<FieldCondition> Conditions)
{
    public static bool Of(RequiredKind kind, FieldCondition condition) => kind switch
    {
        RequiredKind.Equality => condition.EqualityKeys is not null,
        RequiredKind.Network => condition.Networks is not null,
        _ => condition.Substrings is not null,
    };
}
