using GraphQL.Types;
using Respond.Workflows;

namespace Respond.Server.GraphQL;

/// <summary>One escalation step, as approval policies (settings) and approval requests show it.</summary>
public sealed class EscalationStepType : ObjectGraphType<EscalationStep>
{
    public EscalationStepType()
    {
        Name = "EscalationStep";
        Field<NonNullGraphType<IntGraphType>>("afterMinutes").Description("Minutes after the previous step (the first: after the request opened).")
            .Resolve(c => (int)c.Source.After.TotalMinutes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("notify")
            .Description($"Principal ids, roles, or \"{EscalationStep.OnCall}\": told, and may decide too.").Resolve(c => c.Source.Notify);
    }
}
