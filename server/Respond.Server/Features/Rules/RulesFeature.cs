using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Rules;

public sealed record RuleFilter(RuleStatus? Status, RuleOutcome? Outcome, string? OrganizationId, string? Text);

public sealed class RuleFilterInputType : InputObjectGraphType<RuleFilter>
{
    public RuleFilterInputType()
    {
        Name = "RuleFilterInput";
        Field<EnumerationGraphType<RuleStatus>>("status");
        Field<EnumerationGraphType<RuleOutcome>>("outcome");
        Field<IdGraphType>("organizationId").Description("Rules that apply to this organization, including all-organization rules.");
        Field(f => f.Text, nullable: true).Description("Case-insensitive search in name and description.");
    }
}

public static class RulesFeature
{
    public static IServiceCollection AddRules(this IServiceCollection services) => services
        .AddScoped<RuleStore>().AddScoped<RuleRelations>().AddScoped<CreateRule>().AddScoped<UpdateRule>().AddScoped<DuplicateRule>()
        .AddScoped<DeleteRule>().AddScoped<ActivateRule>().AddScoped<PauseRule>().AddScoped<ConvertRuleToIoc>()
        .AddScoped<RuleChangeControl>().AddScoped<Approvals.IRuleActivationDecision, RuleActivationDecision>();

    public static IQueryable<Rule> VisibleTo(this IQueryable<Rule> query, RespondPrincipal principal) =>
        query.WhereScopeVisibleTo(r => r.Organizations, principal);

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<RuleType>>>("rules")
            .Description("The Rules page: status, outcome, scope, last change; newest change first.")
            .PageArguments()
            .Argument<RuleFilterInputType>("where")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var where = c.GetArgument<RuleFilter?>("where");
                var q = c.Service<RespondDbContext>().Rules.AsNoTracking().VisibleTo(by);
                if (where?.Status is { } status) q = q.Where(r => r.Status == status);
                if (where?.Outcome is { } outcome) q = q.Where(r => r.Outcome == outcome);
                if (where?.OrganizationId is { } org) q = q.WhereScopeIncludes(r => r.Organizations, org, includeWorkspaceWide: true);
                if (!string.IsNullOrWhiteSpace(where?.Text))
                {
                    var pattern = LikePattern.Containing(where.Text);
                    q = q.Where(r => EF.Functions.Like(r.Name, pattern, LikePattern.Escape) || EF.Functions.Like(r.Description, pattern, LikePattern.Escape));
                }
                var page = await q.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Id)
                    .ToConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), r => r, c.CancellationToken);
                c.Service<RuleRelations>().Listed(page.Edges!.Select(e => e.Node!));
                return page;
            });
        query.Field<RuleType>("rule")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var id = c.GetArgument<string>("id");
                return await c.Service<RespondDbContext>().Rules.AsNoTracking().VisibleTo(by).SingleOrDefaultAsync(r => r.Id == id, c.CancellationToken);
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<IocRuleType>>>>("iocRules")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                return await c.Service<RespondDbContext>().IocRules.AsNoTracking().WhereScopeVisibleTo(r => r.Organizations, by)
                    .OrderByDescending(r => r.CreatedAt).ToListAsync(c.CancellationToken);
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<RulePayloadType>>("createRule").Argument<NonNullGraphType<CreateRuleInputType>>("input")
            .ResolveAsync(async c => await c.Service<CreateRule>().ExecuteAsync(c.GetArgument<CreateRuleInput>("input"), Author(c), c.CancellationToken));
        mutation.Field<NonNullGraphType<RulePayloadType>>("updateRule").Argument<NonNullGraphType<UpdateRuleInputType>>("input")
            .ResolveAsync(async c => await c.Service<UpdateRule>().ExecuteAsync(c.GetArgument<UpdateRuleInput>("input"), Author(c), c.CancellationToken));
        mutation.Field<NonNullGraphType<RulePayloadType>>("duplicateRule").Argument<NonNullGraphType<DuplicateRuleInputType>>("input")
            .ResolveAsync(async c => await c.Service<DuplicateRule>().ExecuteAsync(c.GetArgument<DuplicateRuleInput>("input"), Author(c), c.CancellationToken));
        mutation.Field<NonNullGraphType<DeleteRulePayloadType>>("deleteRule").Argument<NonNullGraphType<DeleteRuleInputType>>("input")
            .ResolveAsync(async c => await c.Service<DeleteRule>().ExecuteAsync(c.GetArgument<RuleRefInput>("input"), Author(c), c.CancellationToken));
        mutation.Field<NonNullGraphType<RulePayloadType>>("activateRule").Argument<NonNullGraphType<ActivateRuleInputType>>("input")
            .ResolveAsync(async c => await c.Service<ActivateRule>().ExecuteAsync(c.GetArgument<RuleRefInput>("input"), Author(c), c.CancellationToken));
        mutation.Field<NonNullGraphType<RulePayloadType>>("pauseRule").Argument<NonNullGraphType<PauseRuleInputType>>("input")
            .ResolveAsync(async c => await c.Service<PauseRule>().ExecuteAsync(c.GetArgument<RuleRefInput>("input"), Author(c), c.CancellationToken));
        mutation.Field<NonNullGraphType<IocRulePayloadType>>("convertRuleToIoc").Argument<NonNullGraphType<ConvertRuleToIocInputType>>("input")
            .ResolveAsync(async c => await c.Service<ConvertRuleToIoc>().ExecuteAsync(c.GetArgument<ConvertRuleToIocInput>("input"), Author(c), c.CancellationToken));
    }

    private static RespondPrincipal Author(IResolveFieldContext c) => c.Require(Roles.Admin, Roles.RuleAuthor);
}
