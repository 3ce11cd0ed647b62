namespace Respond.Server.Features.Alerts;

/// <summary>
/// Alerts Respond raises about itself, under rule ids no rule can have: a failed verification or a tripped blast-radius
/// guard of its actions, a partner's webhook it had to disable.
/// </summary>
public static class SystemAlerts
{
    public const string VerificationRule = "respond.verification";
    public const string BlastRadiusRule = "respond.blast-radius";
    public const string WebhooksRule = "respond.webhooks";

    public static Alert Create(string ruleId, string ruleName, string organizationId, string title, Workflows.Severity severity, string groupKey, object why, DateTimeOffset at) => new()
    {
        Id = Alert.NewId(),
        RuleId = ruleId,
        RuleName = ruleName,
        DefinitionHash = "",
        OrganizationId = organizationId,
        Title = Alert.TitleOf(title),
        Severity = severity,
        GroupKey = groupKey,
        EventIds = [],
        FirstEventAt = at,
        LastEventAt = at,
        WhyJson = System.Text.Json.JsonSerializer.Serialize(why, Persistence.RespondDbContext.JsonOptions),
        CreatedAt = at,
    };
}
