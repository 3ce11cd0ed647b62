using GraphQL;
using GraphQL.Types;
using Respond.Server.Features.Actions;
using Respond.Server.Connectors.Agents;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Engine;
using Respond.Server.Features.Events;
using Respond.Server.Features.Catalog;
using Respond.Server.Features.Organizations;
using Respond.Server.Features.People;
using Respond.Server.Features.RuleTesting;
using Respond.Server.Features.Rules;
using Respond.Server.Features.Scripts;
using Respond.Server.Features.Settings;
using Respond.Server.Features.Templates;
using Respond.Server.Features.Webhooks;
using Respond.Server.Features.Chat;
using Respond.Server.Features.Notifications;
using Respond.Server.Identity;

namespace Respond.Server.GraphQL;

/// <summary>The public schema of API.md: each feature adds its own fields here.</summary>
public sealed class RespondSchema : Schema
{
    public RespondSchema(IServiceProvider services) : base(services)
    {
        Query = new RespondQuery();
        Mutation = new RespondMutation();
        Subscription = new RespondSubscription();
        RegisterTypeMapping(typeof(System.Text.Json.JsonElement), typeof(JsonGraphType));
        RegisterTypeMapping(typeof(DateTimeOffset), typeof(DateTimeScalar));
        RegisterVisitor(new SearchTextLimit());
        // The spec draft's deprecation of arguments and input fields: introspection answers includeDeprecated and
        // __InputValue.isDeprecated, as graphql-js' getIntrospectionQuery({ inputValueDeprecation: true }) asks.
        Features.DeprecationOfInputValues = true;
        // Introspection is sized by the schema, not the data: IntrospectionBounds limits it instead of the complexity count.
        this.WithIntrospectionComplexityImpact(0);
    }

    protected override void OnBeforeInitializeType(IGraphType graphType)
    {
        base.OnBeforeInitializeType(graphType);
        if (graphType is global::GraphQL.Introspection.__Directive directive) DirectiveArgumentDeprecation.Apply(directive);
    }
}

public sealed class RespondQuery : ObjectGraphType
{
    public RespondQuery()
    {
        Name = "Query";
        ViewerFields.Query(this);
        PeopleFeature.Query(this);
        SettingsFeature.Query(this);
        OrganizationsFeature.Query(this);
        RulesFeature.Query(this);
        TemplatesFeature.Query(this);
        CatalogFeature.Query(this);
        AuditFeature.Query(this);
        AlertsFeature.Query(this);
        ApprovalsFeature.Query(this);
        ActionsFeature.Query(this);
        RuleExecutionsFeature.Query(this);
        EngineFeature.Query(this);
        RuleTestingFeature.Query(this);
        ScriptsFeature.Query(this);
        AgentsFeature.Query(this);
        WebhooksFeature.Query(this);
        ChatFeature.Query(this);
        NotificationsFeature.Query(this);
    }
}

public sealed class RespondMutation : ObjectGraphType
{
    public RespondMutation()
    {
        Name = "Mutation";
        SettingsFeature.Mutation(this);
        OrganizationsFeature.Mutation(this);
        RulesFeature.Mutation(this);
        TemplatesFeature.Mutation(this);
        EventsFeature.Mutation(this);
        AlertsFeature.Mutation(this);
        ApprovalsFeature.Mutation(this);
        ActionsFeature.Mutation(this);
        RuleTestingFeature.Mutation(this);
        ScriptsFeature.Mutation(this);
        AgentsFeature.Mutation(this);
        UnlockSignIn.Mutation(this);
        PeopleFeature.Mutation(this);
        EngineFeature.Mutation(this);
        WebhooksFeature.Mutation(this);
        ChatFeature.Mutation(this);
        NotificationsFeature.Mutation(this);
    }
}

public sealed class RespondSubscription : ObjectGraphType
{
    public RespondSubscription()
    {
        Name = "Subscription";
        AuditFeature.Subscription(this);
        AlertsFeature.Subscription(this);
        ApprovalsFeature.Subscription(this);
        ActionsFeature.Subscription(this);
    }
}
