using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using GraphQL.Types.Relay.DataObjects;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Events;

/// <summary><c>Alert.events</c>: every event behind an alert, paged in the order the alert keeps them (the raising run's first).</summary>
public sealed class AlertEvents : IAlertEvidenceFields
{
    public void AddTo(AlertType alert) =>
        alert.Field<NonNullGraphType<ConnectionType<EventType>>>("events")
            .Description("Every contributing event (all those a threshold or correlation counted), paged.")
            .PageArguments()
            .ResolveAsync(async c =>
            {
                var ids = c.Source.EventIds.ToConnection(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"));
                var page = ids.Edges!.Select(e => e.Node!).ToList();
                var stored = await c.Service<RespondDbContext>().Events.AsNoTracking()
                    .Where(e => e.OrganizationId == c.Source.OrganizationId && page.Contains(e.EventId))
                    .ToListAsync(c.CancellationToken);
                // An event id is unique per organization and source: the alert's rule saw the first stored one.
                var byId = stored.GroupBy(e => e.EventId).ToDictionary(g => g.Key, g => g.MinBy(e => e.Sequence)!);
                return new Connection<StoredEvent>
                {
                    TotalCount = ids.TotalCount,
                    PageInfo = ids.PageInfo,
                    Edges = ids.Edges!.Where(e => byId.ContainsKey(e.Node!)).Select(e => new Edge<StoredEvent> { Cursor = e.Cursor, Node = byId[e.Node!] }).ToList(),
                };
            });
}
