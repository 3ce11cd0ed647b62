using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Organizations;
using Respond.Server.Features.Rules;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

public enum SetupStep { TurnOnRespond, ConnectOrganization, ActivateFirstRule, InviteApprover }

/// <summary>One step of a new installation, computed from what exists now (never stored).</summary>
public sealed record SetupChecklistItem(SetupStep Step, bool Done, string Title, string Detail);

public sealed class SetupChecklistItemType : ObjectGraphType<SetupChecklistItem>
{
    public SetupChecklistItemType()
    {
        Name = "SetupChecklistItem";
        Field<NonNullGraphType<EnumerationGraphType<SetupStep>>>("step").Resolve(c => c.Source.Step);
        Field(i => i.Done);
        Field(i => i.Title);
        Field(i => i.Detail).Description("What is missing, or what satisfies it.");
    }
}

/// <summary>setupChecklist: for an administrator, over the organizations they hold.</summary>
public static class SetupChecklist
{
    public static async Task<List<SetupChecklistItem>> OfAsync(RespondDbContext db, RespondPrincipal by, CancellationToken ct)
    {
        var enabled = await db.Settings.AsNoTracking().Where(s => s.Enabled).Select(s => s.OrganizationId).ToListAsync(ct);
        var on = enabled.Where(o => o == Settings.RespondSettings.Defaults || by.CanSee(o)).ToList();
        var healthy = await db.Connections.AsNoTracking().WhereOrganizationVisibleTo(c => c.OrganizationId, by)
            .Where(c => c.Status == ConnectionStatus.Healthy).Select(c => c.OrganizationId).Distinct().ToListAsync(ct);
        var active = await db.Rules.AsNoTracking().VisibleTo(by).Where(r => r.Status == RuleStatus.Active).CountAsync(ct);
        var approvers = (await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).ToListAsync(ct))
            .Where(u => u.Id != by.Id && u.Roles.Contains(Roles.Approver) && u.Organizations.Any(o => o == RespondPrincipal.AllOrganizations || by.CanSee(o)))
            .Select(u => u.UserName).Order(StringComparer.Ordinal).ToList();
        return
        [
            new(SetupStep.TurnOnRespond, on.Count > 0, "Turn Respond on",
                on.Count > 0 ? $"On for {string.Join(", ", on.Select(o => o == Settings.RespondSettings.Defaults ? "every organization" : o))}." : "Respond is off: nothing is evaluated or run."),
            new(SetupStep.ConnectOrganization, healthy.Count > 0, "Connect an organization",
                healthy.Count > 0 ? $"Healthy connection in {string.Join(", ", healthy)}." : "No organization has a healthy connection: actions cannot run."),
            new(SetupStep.ActivateFirstRule, active > 0, "Activate a first rule",
                active > 0 ? $"{active} active rule(s)." : "No rule is active: duplicate a community template and activate it."),
            new(SetupStep.InviteApprover, approvers.Count > 0, "Invite an approver",
                approvers.Count > 0 ? $"Approvers: {string.Join(", ", approvers)}." : "Nobody else can approve: dual control needs a second person with the Approver role."),
        ];
    }
}
