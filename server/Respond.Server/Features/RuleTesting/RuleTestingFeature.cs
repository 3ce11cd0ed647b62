using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.RuleTesting;

public sealed class BacktestType : ObjectGraphType<Backtest>
{
    public BacktestType()
    {
        Name = "Backtest";
        Description = "A replay of stored events through a rule, with no side effects. The report fields fill in once it is COMPLETED.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(b => b.RuleId);
        Field<NonNullGraphType<EnumerationGraphType<BacktestStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<FloatGraphType>>("progress").Description("0 to 1.").Resolve(c => c.Source.Progress);
        Field(b => b.From);
        Field(b => b.To);
        Field(b => b.StartedAt);
        Field(b => b.FinishedAt, nullable: true);
        Field(b => b.TotalEvents);
        Field(b => b.ProcessedEvents);
        Field(b => b.TriggeredEvents).Description("Events the rule's trigger accepted.");
        Field(b => b.AlertCount).Description("Alerts it would have raised (after suppression).");
        Field(b => b.SuppressedMatches);
        Field(b => b.Error, nullable: true);
        Field<NonNullGraphType<JsonGraphType>>("perDay").Description("[{ day, alerts, actions, approvalRequests }] in UTC days.")
            .Resolve(c => Done(c.Source, b => b.PerDay.Values.ToList()));
        Field<NonNullGraphType<JsonGraphType>>("topGroupKeys").Resolve(c => Done(c.Source, b => b.TopGroupKeys.ToList()));
        Field<NonNullGraphType<JsonGraphType>>("topTargets").Resolve(c => Done(c.Source, b => b.TopTargets.ToList()));
        Field<NonNullGraphType<JsonGraphType>>("sampleMatches").Resolve(c => Done(c.Source, b => b.Samples.ToList()));
    }

    private static JsonElement Done<T>(Backtest b, Func<Backtest, List<T>> read) =>
        JsonSerializer.SerializeToElement(b.Status == BacktestStatus.Running ? [] : read(b), RespondDbContext.JsonOptions);
}

public sealed class BacktestRuleInputType : InputObjectGraphType
{
    public BacktestRuleInputType()
    {
        Name = "BacktestRuleInput";
        Field<IdGraphType>("ruleId");
        Field<JsonGraphType>("definition");
        Field<EnumerationGraphType<RuleOutcome>>("outcome");
        Field<NonNullGraphType<DateTimeScalar>>("from");
        Field<NonNullGraphType<DateTimeScalar>>("to");
    }
}

public sealed record BacktestPayload(Backtest? Backtest, IReadOnlyList<UserError> Errors);

public sealed class BacktestPayloadType : ObjectGraphType<BacktestPayload>
{
    public BacktestPayloadType()
    {
        Name = "BacktestPayload";
        Field<BacktestType>("backtest").Resolve(c => c.Source.Backtest);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class RuleTestingFeature
{
    /// <summary>How long backtestRule waits for a short backtest to finish before returning it RUNNING.</summary>
    private static readonly TimeSpan InlineWait = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddRuleTesting(this IServiceCollection services) =>
        services.AddScoped<TestRule>().AddSingleton<BacktestRunner>();

    public static void Query(ObjectGraphType query) =>
        query.Field<BacktestType>("backtest").Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c => await c.Service<BacktestRunner>().FindAsync(c.GetArgument<string>("id"), c.Require(Roles.Admin, Roles.RuleAuthor), c.CancellationToken));

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<TestRulePayloadType>>("testRule").Argument<NonNullGraphType<TestRuleInputType>>("input")
            .ResolveAsync(async c => await c.Service<TestRule>().ExecuteAsync(c, c.Require(Roles.Admin, Roles.RuleAuthor), c.CancellationToken));
        mutation.Field<NonNullGraphType<BacktestPayloadType>>("backtestRule").Argument<NonNullGraphType<BacktestRuleInputType>>("input")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin, Roles.RuleAuthor);
                var input = c.GetArgument<Dictionary<string, object?>>("input");
                var from = (DateTimeOffset)input["from"]!;
                var to = (DateTimeOffset)input["to"]!;
                if (to <= from) return new BacktestPayload(null, [new UserError(UserErrorCode.Validation, "'to' must be after 'from'.", "to")]);
                if (to - from > TimeSpan.FromDays(366)) return new BacktestPayload(null, [new UserError(UserErrorCode.Validation, "A backtest covers at most 366 days.", "to")]);
                var (rule, error) = await RuleUnderTest.ResolveAsync(c.Service<RespondDbContext>(), by, input.GetValueOrDefault("ruleId") as string,
                    input.GetValueOrDefault("definition") as JsonElement?, input.GetValueOrDefault("outcome") as RuleOutcome?, c.CancellationToken);
                if (rule is null) return new BacktestPayload(null, [error!]);
                // The rule's organizations, narrowed to the caller's: a backtest never reads another tenant's events.
                var scope = rule.OrganizationIds.Count > 0
                    ? rule.OrganizationIds.Where(by.CanSee).ToList()
                    : by.SeesAllOrganizations ? [] : [.. by.Organizations];
                var backtest = await c.Service<BacktestRunner>().StartAsync(rule, scope, from, to, by, c.CancellationToken);
                await Task.WhenAny(backtest.Task, Task.Delay(InlineWait, c.CancellationToken));
                return new BacktestPayload(backtest, []);
            });
        mutation.Field<NonNullGraphType<BacktestPayloadType>>("cancelBacktest").Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var runner = c.Service<BacktestRunner>();
                var backtest = await runner.FindAsync(c.GetArgument<string>("id"), c.Require(Roles.Admin, Roles.RuleAuthor), c.CancellationToken);
                if (backtest is null) return new BacktestPayload(null, [UserError.NotFound("backtest")]);
                await runner.CancelAsync(backtest.Id, c.CancellationToken);
                return new BacktestPayload(backtest, []);
            });
    }
}
