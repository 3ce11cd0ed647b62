using Respond.Workflows.Runtime;
using Respond.Workflows.Tests.Runtime;

namespace Respond.Workflows.Tests.Activities.Conditions;

public sealed class ActiveHoursConditionTests
{
    private static CompiledRule Rule(string windows, string zone = "Europe/Berlin") => RuntimeHarness.Rule(
        RuntimeHarness.Chain("condition.activeHours", $$"""{ "timeZone": "{{zone}}", "windows": {{windows}} }"""));

    private static async Task<string?> PortAtAsync(CompiledRule rule, DateTimeOffset eventTime)
    {
        var harness = new RuntimeHarness();
        var instance = await harness.StartAsync(rule, RuntimeHarness.Event("""{ "user": { "id": "u-1" } }""", time: eventTime));
        return RuntimeHarness.Step(instance, "subject").Port;
    }

    private const string OfficeHours = """[ { "days": ["MON", "TUE", "WED", "THU", "FRI"], "from": "09:00", "to": "17:00" } ]""";

    [Theory]
    // Monday 23 March 2026, Berlin on CET (UTC+1): 07:30Z is 08:30 local, before office hours.
    [InlineData("2026-03-23T07:30:00Z", "false")]
    // Monday 30 March 2026, the day after the spring change, CEST (UTC+2): 07:30Z is 09:30 local.
    [InlineData("2026-03-30T07:30:00Z", "true")]
    // Monday 26 October 2026, the day after the autumn change, CET again: 07:30Z is 08:30 local.
    [InlineData("2026-10-26T07:30:00Z", "false")]
    // Friday 23 October 2026, still CEST: 15:30Z is 17:30 local, after hours.
    [InlineData("2026-10-23T15:30:00Z", "false")]
    [InlineData("2026-10-23T14:30:00Z", "true")]
    public async Task Execute_OfficeHoursAcrossDstChange_JudgesByLocalWallClock(string utc, string port)
    {
        var result = await PortAtAsync(Rule(OfficeHours), DateTimeOffset.Parse(utc));

        Assert.Equal(port, result);
    }

    [Theory]
    // Sunday 29 March 2026: clocks jump from 02:00 CET to 03:00 CEST. 00:30Z = 01:30 CET (outside 02:00-04:00),
    // 01:30Z = 03:30 CEST (inside).
    [InlineData("2026-03-29T00:30:00Z", "false")]
    [InlineData("2026-03-29T01:30:00Z", "true")]
    // Sunday 25 October 2026: 03:00 CEST falls back to 02:00 CET, so 02:30 local happens twice (00:30Z and 01:30Z).
    [InlineData("2026-10-25T00:30:00Z", "true")]
    [InlineData("2026-10-25T01:30:00Z", "true")]
    [InlineData("2026-10-25T03:30:00Z", "false")] // 04:30 CET
    public async Task Execute_NightOfDstChange_UsesTheZoneRulesOfThatNight(string utc, string port)
    {
        var rule = Rule("""[ { "days": ["SUN"], "from": "02:00", "to": "04:00" } ]""");

        var result = await PortAtAsync(rule, DateTimeOffset.Parse(utc));

        Assert.Equal(port, result);
    }

    [Theory]
    // Friday 18:00 to Saturday 08:00 New York time (EST, UTC-5 in January).
    [InlineData("2026-01-09T22:59:00Z", "false")] // Fri 17:59
    [InlineData("2026-01-09T23:00:00Z", "true")]  // Fri 18:00
    [InlineData("2026-01-10T12:59:00Z", "true")]  // Sat 07:59
    [InlineData("2026-01-10T13:00:00Z", "false")] // Sat 08:00
    [InlineData("2026-01-08T05:00:00Z", "false")] // Thu 00:00: the window starts on Friday only
    public async Task Execute_WindowCrossingMidnight_ContinuesIntoNextDay(string utc, string port)
    {
        var rule = Rule("""[ { "days": ["FRI"], "from": "18:00", "to": "08:00" } ]""", "America/New_York");

        var result = await PortAtAsync(rule, DateTimeOffset.Parse(utc));

        Assert.Equal(port, result);
    }

    [Fact]
    public async Task Execute_WholeDayWindow_IncludesTheLastMinute()
    {
        var rule = Rule("""[ { "days": ["SAT"], "from": "00:00", "to": "23:59" } ]""", "UTC");

        var result = await PortAtAsync(rule, new DateTimeOffset(2026, 1, 10, 23, 59, 30, TimeSpan.Zero));

        Assert.Equal("true", result);
    }

    [Fact]
    public async Task Execute_EventTriggered_JudgesByEventTimeNotClock()
    {
        var harness = new RuntimeHarness(); // the clock says Monday 2 March 2026 09:00Z, inside office hours
        var saturday = new DateTimeOffset(2026, 3, 7, 10, 0, 0, TimeSpan.Zero);

        var instance = await harness.StartAsync(Rule(OfficeHours), RuntimeHarness.Event("{}", time: saturday));

        Assert.Equal("false", RuntimeHarness.Step(instance, "subject").Port);
    }
}
