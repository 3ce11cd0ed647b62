using System.Diagnostics;
using System.Text.Json.Nodes;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Tests.Validation;

public sealed class DefinitionValidatorTests
{
    private static IReadOnlyList<ValidationError> Validate(JsonObject definition, RuleOutcome outcome = RuleOutcome.Automatic) =>
        DefinitionValidator.Validate(definition.ToElement(), outcome);

    [Fact]
    public void Validate_ValidDefinition_ReturnsNoErrors()
    {
        var definition = RuleJson.Valid();

        var errors = Validate(definition, RuleOutcome.ManualApproval);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_NotAnObject_ReturnsSingleStructureError()
    {
        var definition = RuleJson.Parse("[1, 2]");

        var errors = DefinitionValidator.Validate(definition, RuleOutcome.Automatic);

        var error = Assert.Single(errors);
        Assert.Null(error.NodeId);
        Assert.Contains("JSON object", error.Message);
    }

    [Fact]
    public void Validate_MissingNodesArray_ReportsNodes()
    {
        var definition = RuleJson.Parse("""{ "schemaVersion": 1, "edges": [] }""");

        var errors = DefinitionValidator.Validate(definition, RuleOutcome.Automatic);

        var error = Assert.Single(errors);
        Assert.Equal("nodes", error.Field);
    }

    [Fact]
    public void Validate_NodeWithoutType_ReportsNodeAndField()
    {
        var definition = RuleJson.Valid();
        definition.Node("burst").Remove("type");

        var errors = Validate(definition);

        Assert.Contains(errors, e => e is { NodeId: "burst", Field: "type" });
    }

    [Fact]
    public void Validate_NodeWithoutId_ReportsItsIndex()
    {
        var definition = RuleJson.Valid();
        definition.Nodes().Add(new JsonObject { ["type"] = "flow.delay" });

        var errors = Validate(definition);

        Assert.Contains(errors, e => e.Field == "nodes[5].id");
    }

    [Fact]
    public void Validate_DuplicateNodeId_ReportsDuplicate()
    {
        var definition = RuleJson.Valid();
        definition.Nodes().Add(new JsonObject { ["id"] = "burst", ["type"] = "flow.delay", ["config"] = new JsonObject() });

        var errors = Validate(definition);

        Assert.Contains(errors, e => e.NodeId == "burst" && e.Field == "id" && e.Message.Contains("more than once"));
    }

    [Fact]
    public void Validate_WrongSchemaVersion_ReportsSchemaVersion()
    {
        var definition = RuleJson.Valid();
        definition["schemaVersion"] = 2;

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal("schemaVersion", error.Field);
    }

    [Fact]
    public void Validate_NoTrigger_ReportsMissingTrigger()
    {
        var definition = RuleJson.Valid();
        definition.Node("trigger")["type"] = "flow.delay";
        definition.Node("trigger")["config"] = new JsonObject { ["duration"] = "PT1M" };

        var errors = Validate(definition);

        Assert.Contains(errors, e => e.NodeId is null && e.Message.Contains("exactly one trigger"));
    }

    [Fact]
    public void Validate_TwoTriggers_NamesTheSecondTrigger()
    {
        var definition = RuleJson.Valid();
        definition.Nodes().Add(new JsonObject
        {
            ["id"] = "second",
            ["type"] = "trigger.schedule",
            ["config"] = new JsonObject { ["cron"] = "0 0 2 * * ?" },
        });
        definition.Edges().Add(new JsonObject { ["from"] = "second", ["to"] = "alert" });

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal("second", error.NodeId);
        Assert.Contains("exactly one trigger", error.Message);
    }

    [Fact]
    public void Validate_UnreachableNode_NamesTheNode()
    {
        var definition = RuleJson.Valid();
        definition.Nodes().Add(new JsonObject
        {
            ["id"] = "island",
            ["type"] = "flow.delay",
            ["config"] = new JsonObject { ["duration"] = "PT5M" },
        });

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal("island", error.NodeId);
        Assert.Contains("cannot be reached", error.Message);
    }

    [Fact]
    public void Validate_Cycle_ReportsTheClosingEdge()
    {
        var definition = RuleJson.Valid();
        definition.Edges().Add(new JsonObject { ["from"] = "alert", ["to"] = "burst" });

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal("alert", error.NodeId);
        Assert.Equal("edges[4]", error.Field);
        Assert.Contains("burst → alert → burst", error.Message);
    }

    [Fact]
    public void Validate_UnknownPort_ReportsEdgePort()
    {
        var definition = RuleJson.Valid();
        definition.Edges()[1]!["port"] = "maybe";

        var errors = Validate(definition);

        Assert.Contains(errors, e => e is { NodeId: "burst", Field: "edges[1].port" } && e.Message.Contains("'maybe'"));
    }

    [Fact]
    public void Validate_EdgeWithoutPortFromMultiPortBlock_ReportsEdgePort()
    {
        var definition = RuleJson.Valid();
        definition.Edges()[1]!.AsObject().Remove("port");

        var errors = Validate(definition);

        Assert.Contains(errors, e => e is { NodeId: "burst", Field: "edges[1].port" } && e.Message.Contains("needs a 'port'"));
    }

    [Fact]
    public void Validate_EdgeToMissingNode_ReportsEdgeTo()
    {
        var definition = RuleJson.Valid();
        definition.Edges().Add(new JsonObject { ["from"] = "gate", ["to"] = "ghost", ["port"] = "rejected" });

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal("edges[4].to", error.Field);
    }

    [Fact]
    public void Validate_EdgeIntoTrigger_ReportsEdge()
    {
        var definition = RuleJson.Valid();
        definition.Edges().Add(new JsonObject { ["from"] = "gate", ["to"] = "trigger", ["port"] = "rejected" });

        var errors = Validate(definition);

        Assert.Contains(errors, e => e.Field == "edges[4].to" && e.Message.Contains("into trigger"));
    }

    [Fact]
    public void Validate_UnknownBlockType_NamesNodeAndType()
    {
        var definition = RuleJson.Valid();
        definition.Node("burst")["type"] = "condition.horoscope";

        var errors = Validate(definition);

        Assert.Contains(errors, e => e is { NodeId: "burst", Field: "type" } && e.Message.Contains("condition.horoscope"));
    }

    [Fact]
    public void Validate_MissingRequiredCount_ExplainsWhatIsNeeded()
    {
        var definition = RuleJson.Valid();
        definition.Node("burst")["config"]!.AsObject().Remove("count");

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal(new ValidationError("burst", "config.count",
            "condition.threshold needs 'count' to be a whole number greater than 0."), error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("2.5")]
    [InlineData("\"5\"")]
    public void Validate_CountNotPositiveWholeNumber_ReportsCount(string count)
    {
        var definition = RuleJson.Valid();
        definition.Node("burst")["config"]!["count"] = JsonNode.Parse(count);

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal("config.count", error.Field);
    }

    [Theory]
    [InlineData("10 minutes")]
    [InlineData("PT")]
    [InlineData("P1M")]
    [InlineData("PT0S")]
    public void Validate_BadDuration_ReportsWindow(string window)
    {
        var definition = RuleJson.Valid();
        definition.Node("burst")["config"]!["window"] = window;

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal(("burst", "config.window"), (error.NodeId, error.Field));
    }

    [Fact]
    public void Validate_UnknownSeverity_ReportsSeverity()
    {
        var definition = RuleJson.Valid();
        definition.Node("alert")["config"]!["severity"] = "SEVERE";

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal(("alert", "config.severity"), (error.NodeId, error.Field));
    }

    [Fact]
    public void Validate_LowerCaseSeverity_IsAccepted()
    {
        var definition = RuleJson.Valid();
        definition.Node("alert")["config"]!["severity"] = "critical";

        var errors = Validate(definition);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_BadRegex_ReportsConditionValue()
    {
        var definition = RuleJson.WithMatch("""{ "field": "process.commandLine", "op": "regex", "value": "(unclosed" }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal(("match", "config.all[0].value"), (error.NodeId, error.Field));
        Assert.Contains("does not compile", error.Message);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip/8")]
    [InlineData("10.0.0.1/8")]
    public void Validate_BadCidr_ReportsConditionValue(string cidr)
    {
        var definition = RuleJson.WithMatch($$"""{ "field": "dst.ip", "op": "cidr", "value": "{{cidr}}" }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal(("match", "config.all[0].value"), (error.NodeId, error.Field));
    }

    [Theory]
    [InlineData("203.0.113.0/24")]
    [InlineData("2001:db8::/32")]
    [InlineData("198.51.100.7")]
    public void Validate_GoodCidr_IsAccepted(string cidr)
    {
        var definition = RuleJson.WithMatch($$"""{ "field": "dst.ip", "op": "cidr", "value": ["{{cidr}}"] }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_UnknownOperator_ReportsOp()
    {
        var definition = RuleJson.WithMatch("""{ "field": "user.id", "op": "like", "value": "x" }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal("config.all[0].op", error.Field);
    }

    [Fact]
    public void Validate_InWithoutList_ReportsValue()
    {
        var definition = RuleJson.WithMatch("""{ "field": "user.id", "op": "in", "value": "alice" }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal("config.all[0].value", error.Field);
    }

    [Fact]
    public void Validate_EmptyMatch_ReportsAll()
    {
        var definition = RuleJson.WithBlock("condition.match", """{ "all": [] }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal(("subject", "config.all"), (error.NodeId, error.Field));
    }

    [Fact]
    public void Validate_BadTimeZone_ReportsTimeZone()
    {
        var definition = RuleJson.WithBlock("condition.activeHours",
            """{ "timeZone": "Mars/Olympus_Mons", "windows": [ { "days": ["MON"], "from": "18:00", "to": "08:00" } ] }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal(("subject", "config.timeZone"), (error.NodeId, error.Field));
    }

    [Fact]
    public void Validate_ActiveHoursWindowCrossingMidnight_IsAccepted()
    {
        var definition = RuleJson.WithBlock("condition.activeHours",
            """{ "timeZone": "Europe/Berlin", "windows": [ { "days": ["MON", "FRI"], "from": "18:00", "to": "08:00" } ] }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ActiveHoursUnknownDay_ReportsDayEntry()
    {
        var definition = RuleJson.WithBlock("condition.activeHours",
            """{ "timeZone": "Europe/Berlin", "windows": [ { "days": ["MON", "Funday"], "from": "18:00", "to": "08:00" } ] }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal("config.windows[0].days[1]", error.Field);
    }

    [Fact]
    public void Validate_ActiveHoursBadTime_ReportsTime()
    {
        var definition = RuleJson.WithBlock("condition.activeHours",
            """{ "timeZone": "Europe/Berlin", "windows": [ { "days": ["MON"], "from": "6pm", "to": "08:00" } ] }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal("config.windows[0].from", error.Field);
    }

    [Fact]
    public void Validate_CorrelateWithOneSignal_ReportsSignals()
    {
        var definition = RuleJson.WithBlock("condition.correlate",
            """{ "groupBy": ["user.id"], "window": "PT1H", "signals": [ { "name": "a", "eventTypes": ["signin.succeeded"] } ] }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal(("subject", "config.signals"), (error.NodeId, error.Field));
    }

    [Fact]
    public void Validate_CorrelateSignalWithoutName_ReportsSignalName()
    {
        var definition = RuleJson.WithBlock("condition.correlate",
            """{ "groupBy": ["user.id"], "window": "PT1H", "signals": [ { "name": "a", "eventTypes": ["x"] }, { "eventTypes": ["y"] } ] }""");

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal("config.signals[1].name", error.Field);
    }

    [Theory]
    [InlineData("0 0 2 * *")]
    [InlineData("0 0 2 * * MON")]
    [InlineData("0 0 25 * * ?")]
    public void Validate_BadCron_ReportsCron(string cron)
    {
        var definition = RuleJson.Valid();
        definition.Node("trigger")["type"] = "trigger.schedule";
        definition.Node("trigger")["config"] = new JsonObject { ["cron"] = cron };

        var errors = Validate(definition, RuleOutcome.ManualApproval);

        var error = Assert.Single(errors);
        Assert.Equal(("trigger", "config.cron"), (error.NodeId, error.Field));
    }

    [Fact]
    public void Validate_RunScriptWithoutScript_ReportsScript()
    {
        var definition = RuleJson.Valid();
        definition.Node("block")["type"] = "action.runScript";

        var errors = Validate(definition, RuleOutcome.ManualApproval);

        var error = Assert.Single(errors);
        Assert.Equal(("block", "config.script"), (error.NodeId, error.Field));
    }

    [Fact]
    public void Validate_ActionTargetKeyOfOtherKind_ReportsTargetKey()
    {
        var definition = RuleJson.Valid();
        definition.Node("block")["config"] = new JsonObject { ["target"] = new JsonObject { ["filePath"] = "file.path" } };

        var errors = Validate(definition, RuleOutcome.ManualApproval);

        var error = Assert.Single(errors);
        Assert.Equal(("block", "config.target.filePath"), (error.NodeId, error.Field));
    }

    [Fact]
    public void Validate_AlertOnlyWithAction_NamesTheAction()
    {
        var definition = RuleJson.Valid();

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        var error = Assert.Single(errors);
        Assert.Equal("block", error.NodeId);
        Assert.Contains("ALERT_ONLY", error.Message);
    }

    [Fact]
    public void Validate_ManualApprovalWithActionNotBehindGate_NamesTheAction()
    {
        var definition = RuleJson.Valid();
        definition.Edges().Add(new JsonObject { ["from"] = "burst", ["to"] = "block", ["port"] = "true" });

        var errors = Validate(definition, RuleOutcome.ManualApproval);

        var error = Assert.Single(errors);
        Assert.Equal("block", error.NodeId);
        Assert.Contains("MANUAL_APPROVAL", error.Message);
    }

    [Fact]
    public void Validate_ManualApprovalWithActionOnRejectedPort_NamesTheAction()
    {
        var definition = RuleJson.Valid();
        definition.Edges()[3]!["port"] = "rejected";

        var errors = Validate(definition, RuleOutcome.ManualApproval);

        var error = Assert.Single(errors);
        Assert.Equal("block", error.NodeId);
    }

    [Fact]
    public void Validate_ManualApprovalWithoutGate_ReportsMissingGate()
    {
        var definition = RuleJson.WithMatch("""{ "field": "user.id", "op": "eq", "value": "alice" }""");

        var errors = Validate(definition, RuleOutcome.ManualApproval);

        var error = Assert.Single(errors);
        Assert.Contains("gate.approval", error.Message);
    }

    [Fact]
    public void Validate_AutomaticWithActionNotBehindGate_ReturnsNoErrors()
    {
        var definition = RuleJson.Valid();
        definition.Edges().Add(new JsonObject { ["from"] = "burst", ["to"] = "block", ["port"] = "true" });

        var errors = Validate(definition, RuleOutcome.Automatic);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_TenThousandNodes_ReturnsOneSizeErrorQuickly()
    {
        var nodes = new JsonArray();
        var edges = new JsonArray();
        for (var i = 0; i < 10_000; i++)
        {
            nodes.Add(new JsonObject { ["id"] = $"n{i}", ["type"] = "flow.delay", ["config"] = new JsonObject { ["duration"] = "PT1M" } });
            if (i > 0)
            {
                edges.Add(new JsonObject { ["from"] = $"n{i - 1}", ["to"] = $"n{i}" });
            }
        }
        var definition = new JsonObject { ["schemaVersion"] = 1, ["nodes"] = nodes, ["edges"] = edges }.ToElement();
        var clock = Stopwatch.StartNew();

        var errors = DefinitionValidator.Validate(definition, RuleOutcome.Automatic);

        clock.Stop();
        var error = Assert.Single(errors);
        Assert.Equal("nodes", error.Field);
        Assert.Contains("at most 500 nodes", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Validate_LongestAllowedChain_DoesNotOverflowAndPasses()
    {
        var nodes = new JsonArray { new JsonObject { ["id"] = "n0", ["type"] = "trigger.event", ["config"] = JsonNode.Parse("""{ "eventTypes": ["x"] }""") } };
        var edges = new JsonArray();
        for (var i = 1; i < 500; i++)
        {
            nodes.Add(new JsonObject { ["id"] = $"n{i}", ["type"] = "flow.delay", ["config"] = new JsonObject { ["duration"] = "PT1M" } });
            edges.Add(new JsonObject { ["from"] = $"n{i - 1}", ["to"] = $"n{i}" });
        }
        var definition = new JsonObject { ["schemaVersion"] = 1, ["nodes"] = nodes, ["edges"] = edges };

        var errors = Validate(definition, RuleOutcome.AlertOnly);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_TooManyEdges_ReturnsOneSizeError()
    {
        var definition = RuleJson.Valid();
        for (var i = 0; i < 2_001; i++)
        {
            definition.Edges().Add(new JsonObject { ["from"] = "alert", ["to"] = "gate" });
        }

        var errors = Validate(definition);

        var error = Assert.Single(errors);
        Assert.Equal("edges", error.Field);
    }
}
