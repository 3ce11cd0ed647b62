using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Alerts;

public sealed class AlertType : ObjectGraphType<Alert>
{
    public AlertType(IEnumerable<IAlertEvidenceFields> evidence)
    {
        Name = "Alert";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(a => a.Title);
        Field<NonNullGraphType<EnumerationGraphType<Severity>>>("severity").Resolve(c => c.Source.Severity);
        Field<NonNullGraphType<EnumerationGraphType<AlertStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<IdGraphType>>("ruleId").Resolve(c => c.Source.RuleId);
        Field(a => a.RuleName);
        Field(a => a.RuleVersion);
        Field(a => a.DefinitionHash).Description("The rule version (content hash) that fired.");
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field(a => a.GroupKey).Description("The values of the rule's group-by fields, e.g. the user.");
        Field(a => a.Count).Description("Matches counted on this alert (suppression collapses a storm into one alert).");
        Field(a => a.EventIds).Description("The ids of the events behind it: every event a threshold or correlation counted, then matches suppression absorbed (up to 100 of those).");
        Field(a => a.FirstEventAt);
        Field(a => a.LastEventAt);
        Field(a => a.SuppressUntil, nullable: true);
        Field<NonNullGraphType<JsonGraphType>>("why").Description("Why it fired: rule version, each condition on the path with the value it compared, thresholds crossed.")
            .Resolve(c => JsonDocument.Parse(c.Source.WhyJson).RootElement.Clone());
        Field(a => a.CreatedAt);
        Field(a => a.StatusChangedAt, nullable: true);
        Field(a => a.StatusChangedBy, nullable: true);
        Field(a => a.StatusComment, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AlertStatusChangeType>>>>("statusHistory").Description("NEW when raised, then each acknowledge and close, oldest first.")
            .ResolveAsync(async c => await AlertStatusHistory.OfAsync(c.Service<RespondDbContext>(), c.Source, c.CancellationToken));
        foreach (var fields in evidence) fields.AddTo(this);
    }
}

public sealed record AlertFilter(string? OrganizationId, string? RuleId, Severity? MinSeverity, Severity? Severity, AlertStatus? Status, DateTimeOffset? From, DateTimeOffset? To,
    string? Text);

public sealed class AlertFilterInputType : InputObjectGraphType<AlertFilter>
{
    public AlertFilterInputType()
    {
        Name = "AlertFilterInput";
        Field<IdGraphType>("organizationId");
        Field<IdGraphType>("ruleId");
        Field<EnumerationGraphType<Severity>>("minSeverity");
        Field<EnumerationGraphType<Severity>>("severity");
        Field<EnumerationGraphType<AlertStatus>>("status");
        Field(f => f.From, nullable: true).Description("Created at or after.");
        Field(f => f.To, nullable: true).Description("Created before.");
        Field(f => f.Text, nullable: true).Description("Case-insensitive search in the id, title, rule name and group key.");
    }
}

public sealed record AlertDecisionInput(string Id, string? Comment);

public sealed class AlertDecisionInputType : InputObjectGraphType<AlertDecisionInput>
{
    public AlertDecisionInputType()
    {
        Name = "AlertDecisionInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Comment, nullable: true);
    }
}

public sealed record AlertPayload(Alert? Alert, IReadOnlyList<UserError> Errors);

public sealed class AlertPayloadType : ObjectGraphType<AlertPayload>
{
    public AlertPayloadType()
    {
        Name = "AlertPayload";
        Field<AlertType>("alert").Resolve(c => c.Source.Alert);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>acknowledgeAlert / closeAlert: new → acknowledged → closed, audited.</summary>
internal sealed class DecideAlert(RespondDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<AlertPayload> ExecuteAsync(AlertDecisionInput input, AlertStatus to, RespondPrincipal by, CancellationToken ct)
    {
        var alert = await db.Alerts.VisibleTo(by).SingleOrDefaultAsync(a => a.Id == input.Id, ct);
        if (alert is null) return new AlertPayload(null, [UserError.NotFound("alert")]);
        var from = alert.Status;
        if (!alert.TryMove(to, by.Id, input.Comment, time.GetUtcNow()))
            return new AlertPayload(null, [new UserError(UserErrorCode.InvalidState, $"The alert is {ApiEnumName.Format(from)} and cannot become {ApiEnumName.Format(to)}.", "id")]);
        audit.Record(by, "alert." + to.ToString().ToLowerInvariant(), "Alert", alert.Id, [alert.OrganizationId], new { Status = from.ToString() }, new { Status = to.ToString(), input.Comment });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new AlertPayload(null, [new UserError(UserErrorCode.StaleVersion, "The alert changed meanwhile; reload it.", "id")]);
        }
        return new AlertPayload(alert, []);
    }
}

public static class AlertsFeature
{
    public static IServiceCollection AddAlerts(this IServiceCollection services) => services.AddScoped<DecideAlert>();

    public static IQueryable<Alert> VisibleTo(this IQueryable<Alert> query, RespondPrincipal by) =>
        query.WhereOrganizationVisibleTo(a => a.OrganizationId, by);

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<AlertType>>>("alerts")
            .Description("Alerts raised by rules, newest first.")
            .PageArguments()
            .Argument<AlertFilterInputType>("where")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var where = c.GetArgument<AlertFilter?>("where");
                var q = c.Service<RespondDbContext>().Alerts.AsNoTracking().VisibleTo(by);
                if (where?.OrganizationId is { } org) q = q.Where(a => a.OrganizationId == org);
                if (where?.RuleId is { } rule) q = q.Where(a => a.RuleId == rule);
                if (where?.Severity is { } severity) q = q.Where(a => a.Severity == severity);
                if (where?.MinSeverity is { } min)
                {
                    var levels = AtLeast(min);
                    q = q.Where(a => levels.Contains(a.Severity));
                }
                if (where?.Status is { } status) q = q.Where(a => a.Status == status);
                if (where?.From is { } from) q = q.Where(a => a.CreatedAt >= from);
                if (where?.To is { } to) q = q.Where(a => a.CreatedAt < to);
                if (!string.IsNullOrWhiteSpace(where?.Text))
                {
                    var pattern = LikePattern.Containing(where.Text);
                    q = q.Where(a => EF.Functions.Like(a.Id, pattern, LikePattern.Escape) || EF.Functions.Like(a.Title, pattern, LikePattern.Escape)
                        || EF.Functions.Like(a.RuleName, pattern, LikePattern.Escape) || EF.Functions.Like(a.GroupKey, pattern, LikePattern.Escape));
                }
                return await q.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id)
                    .ToConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), a => a, c.CancellationToken);
            });
        query.Field<AlertType>("alert").Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var id = c.GetArgument<string>("id");
                return await c.Service<RespondDbContext>().Alerts.AsNoTracking().VisibleTo(by).SingleOrDefaultAsync(a => a.Id == id, c.CancellationToken);
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<AlertPayloadType>>("acknowledgeAlert").Argument<NonNullGraphType<AlertDecisionInputType>>("input")
            .ResolveAsync(async c => await c.Service<DecideAlert>().ExecuteAsync(c.GetArgument<AlertDecisionInput>("input"), AlertStatus.Acknowledged,
                c.Require(Roles.Admin, Roles.Responder), c.CancellationToken));
        mutation.Field<NonNullGraphType<AlertPayloadType>>("closeAlert").Argument<NonNullGraphType<AlertDecisionInputType>>("input")
            .ResolveAsync(async c => await c.Service<DecideAlert>().ExecuteAsync(c.GetArgument<AlertDecisionInput>("input"), AlertStatus.Closed,
                c.Require(Roles.Admin, Roles.Responder), c.CancellationToken));
    }

    public static void Subscription(ObjectGraphType subscription) =>
        subscription.Field<NonNullGraphType<AlertType>>("alertRaised")
            .Description("Each new alert of the organizations you can see (optionally one organization, at least a severity).")
            .Argument<IdGraphType>("organizationId")
            .Argument<EnumerationGraphType<Severity>>("minSeverity")
            .ResolveStream(c =>
            {
                var by = c.RequireReader();
                var org = c.GetArgument<string?>("organizationId");
                var min = c.GetArgument<Severity?>("minSeverity");
                return c.Service<RespondEvents>().Observe<Alert>(a =>
                    by.CanSee(a.OrganizationId) && (org is null || a.OrganizationId == org) && (min is null || a.Severity >= min));
            });

    private static List<Severity> AtLeast(Severity min) => Enum.GetValues<Severity>().Where(s => s >= min).ToList();
}
