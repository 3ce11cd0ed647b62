using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;

namespace Respond.Workflows.Tests.Runtime;

/// <summary>
/// Live ingestion asks the trigger index for the rules an event gets past their event-only blocks
/// (<see cref="TriggerIndex.Proceeding"/>, a value index plus <see cref="CompiledRule.Proceeds"/>) and creates instances
/// for those only. These tests hold that shortcut to what running every candidate rule in full says.
/// </summary>
public sealed class ProceedingRulesTests
{
    private static RuleSnapshot Match(string id, string match, string port = "true") =>
        RuntimeHarness.Snapshot(RuntimeHarness.Chain("condition.match", match, port: port), RuleOutcome.AlertOnly, id);

    private static RuleSnapshot FilteredThreshold(string id, string filter)
    {
        var definition = (JsonObject)JsonNode.Parse($$$"""
            {
              "schemaVersion": 1,
              "nodes": [
                { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
                { "id": "filter", "type": "condition.match", "config": {{{filter}}} },
                { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 3, "window": "PT10M" } },
                { "id": "alert", "type": "alert.create", "config": { "title": "Burst {{user.id}}", "severity": "HIGH" } }
              ],
              "edges": [
                { "from": "trigger", "to": "filter" },
                { "from": "filter", "to": "burst", "port": "true" },
                { "from": "burst", "to": "alert", "port": "true" }
              ]
            }
            """)!;
        return RuntimeHarness.Snapshot(definition, RuleOutcome.AlertOnly, id);
    }

    // Every shape the index treats differently: looked up by value (eq, in, any on one field), tested one by one (numbers,
    // booleans, contains, cidr, regex, neq, any over two fields), a match whose false port acts, a filter before a threshold.
    private static readonly RuleSnapshot[] Rules =
    [
        Match("eq-user", """{ "all": [ { "field": "user.id", "op": "eq", "value": "Alice" } ] }"""),
        Match("in-process", """{ "all": [ { "field": "process.name", "op": "in", "value": ["mimikatz.exe", "procdump.exe"] }, { "field": "severity", "op": "in", "value": ["HIGH", "CRITICAL"] } ] }"""),
        Match("any-user", """{ "any": [ { "field": "user.id", "op": "eq", "value": "bob" }, { "field": "user.id", "op": "in", "value": ["carol"] } ] }"""),
        Match("any-two-fields", """{ "any": [ { "field": "user.id", "op": "eq", "value": "dave" }, { "field": "process.name", "op": "eq", "value": "cmd.exe" } ] }"""),
        Match("eq-number", """{ "all": [ { "field": "raw.attempts", "op": "eq", "value": "5" } ] }"""),
        Match("eq-bool", """{ "all": [ { "field": "raw.admin", "op": "eq", "value": "true" } ] }"""),
        Match("contains", """{ "all": [ { "field": "process.commandLine", "op": "contains", "value": "sekurlsa" } ] }"""),
        Match("cidr", """{ "any": [ { "field": "src.ip", "op": "cidr", "value": "203.0.113.0/24" } ] }"""),
        Match("cidr-many", """{ "all": [ { "field": "src.ip", "op": "cidr", "value": ["203.0.0.0/16", "203.0.113.7", "2001:db8::/32", "2001:db8:1::/48"] } ] }"""),
        Match("contains-roles", """{ "any": [ { "field": "raw.roles", "op": "contains", "value": "admin" }, { "field": "raw.roles", "op": "contains", "value": "READER" } ] }"""),
        Match("contains-number", """{ "all": [ { "field": "raw.attempts", "op": "contains", "value": "5" } ] }"""),
        Match("regex", """{ "all": [ { "field": "user.id", "op": "regex", "value": "^a" } ] }"""),
        Match("neq", """{ "all": [ { "field": "raw.country", "op": "neq", "value": "US" } ] }"""),
        Match("roles-list", """{ "all": [ { "field": "raw.roles", "op": "in", "value": ["Admin", "Owner"] } ] }"""),
        Match("false-port-acts", """{ "all": [ { "field": "user.id", "op": "eq", "value": "alice" } ] }""", port: "false"),
        FilteredThreshold("filtered-threshold", """{ "all": [ { "field": "user.id", "op": "in", "value": ["alice", "bob"] } ] }"""),
    ];

    private static readonly string[] Users = ["alice", "ALICE", "bob", "carol", "dave", "eve"];
    private static readonly string[] Addresses = ["203.0.113.7", " 203.0.113.9 ", "203.0.5.1", "198.51.100.7", "::ffff:203.0.113.7",
        "2001:db8:1::5", "2001:db8:2::5", "2001:db9::1", "not an address"];
    private static readonly string[] Processes = ["mimikatz.exe", "PROCDUMP.EXE", "cmd.exe", "svchost.exe"];

    private static IEnumerable<WorkflowEvent> Events()
    {
        var random = new Random(12);
        for (var i = 0; i < 400; i++)
        {
            var roles = random.Next(3) switch { 0 => "[]", 1 => """["owner", "Reader"]""", _ => """["Admin", "owner"]""" };
            var attempts = random.Next(3) switch { 0 => "5", 1 => "\"5\"", _ => "4" };
            var admin = random.Next(2) == 0 ? "true" : "\"TRUE\"";
            var fields = $$"""
                {
                  "user": { "id": "{{Users[random.Next(Users.Length)]}}" },
                  "process": { "name": "{{Processes[random.Next(Processes.Length)]}}", "commandLine": "{{(random.Next(4) == 0 ? "x SEKURLSA::logon" : "x")}}" },
                  "src": { "ip": "{{Addresses[random.Next(Addresses.Length)]}}" },
                  "raw": { "attempts": {{attempts}}, "admin": {{admin}}, "country": "{{(random.Next(2) == 0 ? "US" : "FR")}}", "roles": {{roles}} }
                }
                """;
            yield return RuntimeHarness.Event(fields, severity: random.Next(2) == 0 ? Severity.High : Severity.Low,
                time: RuntimeHarness.Start.AddSeconds(i));
        }
    }

    [Fact]
    public async Task Proceeding_EveryShapeOfRule_ExactlyTheRulesWhoseFullRunGetsPastItsEventOnlyBlocks()
    {
        var index = new TriggerIndex(Rules);
        var checkedPairs = 0;
        foreach (var e in Events())
        {
            var expected = new List<string>();
            foreach (var rule in index.Candidates(e))
            {
                // A full run on its own harness: did it reach a block other than the trigger and field matches?
                var instance = await new RuntimeHarness().StartAsync(rule, e);
                if (instance.Path.Any(step => step.BlockType is not ("trigger.event" or "condition.match"))) expected.Add(rule.RuleId);
                checkedPairs++;
            }

            Assert.Equal(expected, index.Proceeding(e).Select(r => r.RuleId));
        }
        Assert.Equal(400 * Rules.Length, checkedPairs);
    }

    [Fact]
    public void ReplaceOneRule_ActivatedPausedAndEditedOneByOne_AnswersAsAnIndexBuiltWhole_AndOthersAreNotCompiledAgain()
    {
        var index = new TriggerIndex();
        foreach (var rule in Rules) index.Replace(rule.RuleId, rule);
        Assert.Equal(Rules.Length, index.Compilations);
        var kept = index.Find("eq-user");

        // Pause two (one looked up by value, one scanned), edit one looked up by value, scope one to an organization.
        index.Replace("contains", null);
        index.Replace("regex", null);
        var edited = Match("any-user", """{ "any": [ { "field": "user.id", "op": "eq", "value": "eve" } ] }""") with { Version = 2, DefinitionHash = "edited" };
        index.Replace("any-user", edited);
        var scoped = Rules.Single(r => r.RuleId == "cidr") with { OrganizationIds = ["org-a"], Version = 2 };
        index.Replace("cidr", scoped);
        index.Replace("never-active", null);
        var final = Rules.Where(r => r.RuleId is not ("contains" or "regex" or "any-user" or "cidr")).Append(edited).Append(scoped).ToList();
        var whole = new TriggerIndex(final);

        Assert.Equal(Rules.Length + 2, index.Compilations);
        Assert.Same(kept, index.Find("eq-user"));
        Assert.Equal(whole.Rules.Select(r => r.RuleId), index.Rules.Select(r => r.RuleId));
        foreach (var e in Events().Concat(Events().Select(e => e with { OrganizationId = "org-a" })))
        {
            Assert.Equal(whole.Candidates(e).Select(r => r.RuleId), index.Candidates(e).Select(r => r.RuleId));
            Assert.Equal(whole.Proceeding(e).Select(r => r.RuleId), index.Proceeding(e).Select(r => r.RuleId));
        }
        Assert.Contains(index.Proceeding(RuntimeHarness.Event("""{ "user": { "id": "eve" } }""")), r => r.RuleId == "any-user");
    }

    [Fact]
    public void Proceeding_RuleRequiringAValue_FoundByTheEventsValueIgnoringCaseAndOnceForAList()
    {
        var index = new TriggerIndex([Rules.Single(r => r.RuleId == "eq-user"), Rules.Single(r => r.RuleId == "roles-list")]);

        Assert.Equal(["eq-user"], index.Proceeding(RuntimeHarness.Event("""{ "user": { "id": "ALICE" } }""")).Select(r => r.RuleId));
        Assert.Empty(index.Proceeding(RuntimeHarness.Event("""{ "user": { "id": "alice2" } }""")));
        Assert.Equal(["roles-list"], index.Proceeding(RuntimeHarness.Event("""{ "raw": { "roles": ["owner", "ADMIN"] } }""")).Select(r => r.RuleId));
        Assert.Equal(2, index.Candidates(RuntimeHarness.Event("""{ "user": { "id": "bob" } }""")).Count);
    }

    [Fact]
    public async Task HandleEvent_MatchSaysNo_NoInstanceIsCreatedOrStored()
    {
        var harness = new RuntimeHarness();
        var index = new TriggerIndex([Rules.Single(r => r.RuleId == "eq-user"), Rules.Single(r => r.RuleId == "contains")]);

        var none = await harness.Engine.HandleEventAsync(index, RuntimeHarness.Event("""{ "user": { "id": "eve" }, "process": { "commandLine": "x" } }"""), CancellationToken.None);
        var one = await harness.Engine.HandleEventAsync(index, RuntimeHarness.Event("""{ "user": { "id": "alice" }, "process": { "commandLine": "x" } }"""), CancellationToken.None);

        Assert.Empty(none);
        Assert.Equal("eq-user", Assert.Single(one).Rule.RuleId);
        Assert.Single(harness.Alerts.Alerts);
    }

    /// <summary>trigger → a threshold of 4 in two minutes → alert; with <paramref name="falsePortActs"/> its false port raises another alert.</summary>
    private static RuleSnapshot Threshold(string id, bool falsePortActs)
    {
        var definition = RuntimeHarness.Chain("condition.threshold", """{ "groupBy": ["user.id"], "count": 4, "window": "PT2M" }""");
        if (falsePortActs)
        {
            definition["nodes"]!.AsArray().Add(JsonNode.Parse("""{ "id": "quiet", "type": "alert.create", "config": { "title": "Quiet {{user.id}}", "severity": "LOW" } }"""));
            definition["edges"]!.AsArray().Add(JsonNode.Parse("""{ "from": "subject", "to": "quiet", "port": "false" }"""));
        }
        return RuntimeHarness.Snapshot(definition, RuleOutcome.AlertOnly, id);
    }

    [Fact]
    public async Task StartIfProceeds_OverAStream_SameAlertsAndWindowsAsFullRuns_AndAnInstanceOnlyWhereACountingRuleReachesItsCount()
    {
        RuleSnapshot[] rules =
        [
            .. Rules,
            Threshold("threshold", falsePortActs: false),
            Threshold("threshold-false-port-acts", falsePortActs: true),
        ];
        var index = new TriggerIndex(rules);
        var quiet = new WorkflowEngineOptions { DetailFalseMatches = false };
        var (live, full) = (new RuntimeHarness(options: quiet), new RuntimeHarness(options: quiet));
        var (started, reached) = (new List<string>(), new List<string>());
        foreach (var e in Events())
        {
            started.AddRange((await live.Engine.HandleEventAsync(index, e, CancellationToken.None)).Select(i => $"{e.Id} {i.Rule.RuleId}"));
            foreach (var rule in index.Proceeding(e))
            {
                var instance = await full.StartAsync(rule, e);
                var threshold = rule.RuleId switch { "threshold" => "subject", "filtered-threshold" => "burst", _ => null };
                if (threshold is null || RuntimeHarness.Step(instance, threshold).Port == "true") reached.Add($"{e.Id} {rule.RuleId}");
            }
        }

        Assert.Equal(full.Alerts.Raised.Select(r => (r.Request.RuleId, r.Request.Title, r.Request.EventId)), live.Alerts.Raised.Select(r => (r.Request.RuleId, r.Request.Title, r.Request.EventId)));
        Assert.Equal(full.Windows.Windows.OrderBy(w => w.Key.ToString()), live.Windows.Windows.OrderBy(w => w.Key.ToString()), WindowComparer.Instance);
        Assert.Equal(reached, started);
        Assert.Contains(started, s => s.EndsWith(" threshold", StringComparison.Ordinal));
        Assert.True(started.Count(s => s.EndsWith(" threshold-false-port-acts", StringComparison.Ordinal)) > started.Count(s => s.EndsWith(" threshold", StringComparison.Ordinal)) * 2,
            "a threshold whose false port acts gets an instance for every event");
    }

    [Fact]
    public async Task StartIfProceeds_ThresholdBelowItsCount_NoInstance_ThenTheEventThatReachesItRunsWithTheWholeCount()
    {
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.threshold", """{ "groupBy": ["user.id"], "count": 5, "window": "PT10M" }"""));
        var harness = new RuntimeHarness(options: new WorkflowEngineOptions { DetailFalseMatches = false });
        var events = Enumerable.Range(0, 6).Select(i => RuntimeHarness.UserEvent("u-1", RuntimeHarness.Start.AddMinutes(i))).ToList();

        var instances = new List<WorkflowInstance?>();
        foreach (var e in events) instances.Add(await harness.Engine.StartIfProceedsAsync(rule, e, CancellationToken.None));

        Assert.All(instances.Take(4), Assert.Null);
        var fifth = Assert.IsType<WorkflowInstance>(instances[4]);
        var step = RuntimeHarness.Step(fifth, "subject");
        Assert.Equal(("true", 5), (step.Port, (int)step.Detail!["count"]!));
        Assert.Equal(events.Take(5).Select(e => e.Id), step.Detail["eventIds"]!.AsArray().Select(id => (string)id!));
        Assert.Equal(["trigger", "subject", "alert"], fifth.Path.Select(p => p.NodeId));
        Assert.Equal("u-1", (string)fifth.Variables["groupKey"]!);
        Assert.Single(harness.Alerts.Alerts);
        // The group started afresh: the sixth event is the first of a new count.
        Assert.Null(instances[5]);
        Assert.Single(Assert.Single(harness.Windows.Windows).Value);
    }

    [Fact]
    public async Task HandleEvent_ThresholdBehindARegexPastItsTimeLimit_TheEventIsNotCounted_AndItsInstanceRecordsTheError()
    {
        var rule = FilteredThreshold("regex-threshold", """{ "all": [ { "field": "raw.text", "op": "regex", "value": "^(a|aa)+$" } ] }""");
        var harness = new RuntimeHarness(options: new WorkflowEngineOptions { DetailFalseMatches = false });
        var e = RuntimeHarness.Event($$"""{ "user": { "id": "alice" }, "raw": { "text": "{{new string('a', 40)}}!" } }""");

        var instance = Assert.Single(await harness.Engine.HandleEventAsync(new TriggerIndex([rule]), e, CancellationToken.None));

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.Contains("regex condition on raw.text", instance.Error);
        Assert.Empty(harness.Windows.Windows);
    }

    [Fact]
    public async Task StartIfProceeds_WhenFalseMatchesAreDetailed_EveryEventGetsItsInstance()
    {
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.threshold", """{ "groupBy": ["user.id"], "count": 5, "window": "PT10M" }"""));
        var harness = new RuntimeHarness();

        var instance = await harness.Engine.StartIfProceedsAsync(rule, RuntimeHarness.UserEvent("u-1", RuntimeHarness.Start), CancellationToken.None);

        Assert.Equal(1, (int)RuntimeHarness.Step(Assert.IsType<WorkflowInstance>(instance), "subject").Detail!["count"]!);
    }

    private sealed class WindowComparer : IEqualityComparer<KeyValuePair<Respond.Workflows.Runtime.Ports.WindowKey, IReadOnlyList<Respond.Workflows.Runtime.Ports.WindowEntry>>>
    {
        public static readonly WindowComparer Instance = new();

        public bool Equals(KeyValuePair<Respond.Workflows.Runtime.Ports.WindowKey, IReadOnlyList<Respond.Workflows.Runtime.Ports.WindowEntry>> x,
            KeyValuePair<Respond.Workflows.Runtime.Ports.WindowKey, IReadOnlyList<Respond.Workflows.Runtime.Ports.WindowEntry>> y) =>
            x.Key == y.Key && x.Value.SequenceEqual(y.Value);

        public int GetHashCode(KeyValuePair<Respond.Workflows.Runtime.Ports.WindowKey, IReadOnlyList<Respond.Workflows.Runtime.Ports.WindowEntry>> obj) => obj.Key.GetHashCode();
    }
}
