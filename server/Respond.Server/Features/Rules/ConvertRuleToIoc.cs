using System.Text.Json;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Validation;
using Respond.Workflows.Iocs;

namespace Respond.Server.Features.Rules;

public sealed record ConvertRuleToIocInput(string Id, string? Name);

public sealed class ConvertRuleToIocInputType : InputObjectGraphType<ConvertRuleToIocInput>
{
    public ConvertRuleToIocInputType()
    {
        Name = "ConvertRuleToIocInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Name, nullable: true);
    }
}

/// <summary>
/// Seed 000 "Convert to IOC": a separate IOC rule holding the indicators the rule matches on. The Respond
/// rule itself is left as it is.
/// </summary>
internal sealed class ConvertRuleToIoc(RespondDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<IocRulePayload> ExecuteAsync(ConvertRuleToIocInput input, RespondPrincipal by, CancellationToken ct)
    {
        var rule = await db.Rules.AsNoTracking().WhereScopeVisibleTo(r => r.Organizations, by).SingleOrDefaultAsync(r => r.Id == input.Id, ct);
        if (rule is null) return new IocRulePayload(null, [UserError.NotFound("rule")]);
        if (!rule.CanBeChangedBy(by))
            return new IocRulePayload(null, [new UserError(UserErrorCode.Forbidden, "This rule covers organizations you cannot manage.", "id")]);
        var indicators = IndicatorExtractor.Extract(JsonDocument.Parse(rule.DefinitionJson).RootElement);
        if (indicators.Ips.Count + indicators.Hashes.Count + indicators.Domains.Count + indicators.ProcessNames.Count == 0)
            return new IocRulePayload(null, [new UserError(UserErrorCode.NoIndicators,
                "The rule matches on no IP, hash, domain or process name, so there is nothing to flag as an IOC.", "id")]);
        var ioc = new IocRule
        {
            Id = "ioc-" + Guid.NewGuid().ToString("N")[..12],
            Name = (input.Name ?? rule.Name + " (IOC)").Trim(),
            SourceRuleId = rule.Id,
            SourceRuleVersion = rule.Version,
            Organizations = rule.Organizations,
            Ips = [.. indicators.Ips],
            Hashes = [.. indicators.Hashes],
            Domains = [.. indicators.Domains],
            ProcessNames = [.. indicators.ProcessNames],
            CreatedAt = time.GetUtcNow(),
            CreatedBy = by.Id,
        };
        db.IocRules.Add(ioc);
        audit.Record(by, "rule.convertedToIoc", "IocRule", ioc.Id, rule.OrganizationIds, null,
            new { SourceRuleId = rule.Id, ioc.Ips, ioc.Hashes, ioc.Domains, ioc.ProcessNames });
        await db.SaveChangesAsync(ct);
        return new IocRulePayload(ioc, []);
    }
}
