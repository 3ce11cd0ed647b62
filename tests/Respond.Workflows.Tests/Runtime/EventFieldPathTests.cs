using Respond.Workflows.Runtime;

namespace Respond.Workflows.Tests.Runtime;

public sealed class EventFieldPathTests
{
    private static readonly WorkflowEvent Event = RuntimeHarness.Event("""
        { "user": { "id": "u-1", "name": "Alice" }, "src": { "ip": "10.0.0.1" },
          "raw": { "a": { "b": 7 }, "list": ["x", { "deep": true }] } }
        """, severity: Severity.High);

    [Theory]
    [InlineData("user.id", "u-1")]
    [InlineData("src.ip", "10.0.0.1")]
    [InlineData("severity", "HIGH")]
    [InlineData("type", "signin.failed")]
    [InlineData("raw.a.b", "7")]
    [InlineData("raw.list.0", "x")]
    [InlineData("raw.list[1].deep", "true")]
    [InlineData("raw.list.5", null)]
    [InlineData("user.id.more", null)]
    [InlineData("device.hostname", null)]
    public void Resolve_Path_FindsValue(string path, string? expected)
    {
        var value = EventFieldPath.Resolve(Event, path);

        Assert.Equal(expected, EventFieldPath.Text(value));
    }

    [Fact]
    public void Resolve_HeaderMissingFromJson_UsesEventHeader()
    {
        var e = RuntimeHarness.Event() with { Json = default };

        Assert.Equal("org-a", EventFieldPath.Text(EventFieldPath.Resolve(e, "organizationId")));
    }

    [Theory]
    [InlineData("Burst for {{user.name}}", "Burst for Alice")]
    [InlineData("{{ user.id }} on {{device.hostname}}", "u-1 on ")]
    [InlineData("no placeholders", "no placeholders")]
    [InlineData("broken {{user.name", "broken {{user.name")]
    [InlineData("", "")]
    public void Render_Template_FillsFieldsAndLeavesMissingEmpty(string template, string expected)
    {
        Assert.Equal(expected, Template.Render(template, Event));
    }
}
