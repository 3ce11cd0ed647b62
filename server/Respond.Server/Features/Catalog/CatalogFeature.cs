using GraphQL;
using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Workflows;
using Respond.Workflows.Activities;

namespace Respond.Server.Features.Catalog;

/// <summary>A block as the palette shows it, and whether the organization asked about can use it now.</summary>
public sealed record CatalogEntry(BlockDescriptor Block, bool Available, string? UnavailableReason);

public sealed class ActivityDescriptorType : ObjectGraphType<CatalogEntry>
{
    public ActivityDescriptorType()
    {
        Name = "ActivityDescriptor";
        Description = "A block the designer's palette shows: its ports and the form of its config.";
        Field<NonNullGraphType<StringGraphType>>("id").Description("The block type written in a definition's node, e.g. condition.threshold.").Resolve(c => c.Source.Block.Id);
        Field<NonNullGraphType<EnumerationGraphType<BlockCategory>>>("category").Resolve(c => c.Source.Block.Category);
        Field<NonNullGraphType<StringGraphType>>("displayName").Resolve(c => c.Source.Block.DisplayName);
        Field<NonNullGraphType<StringGraphType>>("description").Resolve(c => c.Source.Block.Description);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("ports").Description("Output ports; edges name one as their port.")
            .Resolve(c => c.Source.Block.Ports);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ActivityInputType>>>>("inputs").Description("The config fields.")
            .Resolve(c => c.Source.Block.Config)
            .FieldType.WithComplexityImpact(1, CatalogListSizes.InputsPerBlock);
        Field<EnumerationGraphType<ResponseActionType>>("actionType").Resolve(c => c.Source.Block.ActionType);
        Field<NonNullGraphType<BooleanGraphType>>("available")
            .Description("With activityCatalog(organizationId): whether that organization can run this block now (an action needs a HEALTHY connection that supports it). Always true otherwise.")
            .Resolve(c => c.Source.Available);
        Field<StringGraphType>("unavailableReason").Resolve(c => c.Source.UnavailableReason);
    }
}

public sealed class ActivityInputType : ObjectGraphType<ConfigField>
{
    public ActivityInputType()
    {
        Name = "ActivityInput";
        Field(f => f.Name);
        Field<NonNullGraphType<EnumerationGraphType<Respond.Workflows.Activities.ConfigFieldType>>>("type").Resolve(c => c.Source.Type);
        Field(f => f.Required);
        Field(f => f.Description);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("allowedValues").Resolve(c => c.Source.AllowedValues);
        Field<EnumerationGraphType<Respond.Workflows.Activities.ConfigFieldType>>("itemType").Resolve(c => c.Source.ItemType);
        Field<ListGraphType<NonNullGraphType<ActivityInputType>>>("fields").Description("The fields of an object (or of each item of an array of objects).")
            .Resolve(c => c.Source.Fields)
            .FieldType.WithComplexityImpact(1, CatalogListSizes.FieldsPerInput);
    }
}

public static class CatalogFeature
{
    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ActivityDescriptorType>>>>("activityCatalog")
            .Argument<IdGraphType>("organizationId", "Mark which action blocks this organization can run with its connections now.")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var organizationId = c.GetArgument<string?>("organizationId");
                if (organizationId is null || !by.CanSee(organizationId))
                    return BlockCatalog.All.Select(b => new CatalogEntry(b, true, null)).ToList();
                var submitter = c.Service<Actions.ActionSubmitter>();
                var entries = new List<CatalogEntry>();
                foreach (var block in BlockCatalog.All)
                {
                    var reason = block.ActionType is { } type ? await submitter.MissingConnectionAsync(organizationId, type, c.CancellationToken) : null;
                    entries.Add(new CatalogEntry(block, reason is null, reason));
                }
                return entries;
            })
            .FieldType.WithComplexityImpact(1, CatalogListSizes.Blocks);
}

/// <summary>
/// The catalog's real list sizes, for the complexity count: it is a fixed in-memory list, so its cost is known rather
/// than guessed with the default multiplier of 5 per list level (which priced a full read with every block's inputs
/// at 59,401, above the 50,000 limit, for a document of a few kilobytes).
/// </summary>
internal static class CatalogListSizes
{
    public static double Blocks => BlockCatalog.All.Count;

    /// <summary>Average config fields per block, at least 1.</summary>
    public static double InputsPerBlock => Math.Max(1, Math.Ceiling(BlockCatalog.All.Average(b => (double)b.Config.Count)));

    /// <summary>Average nested fields per config field (most have none), at least 1.</summary>
    public static double FieldsPerInput => Math.Max(1, Math.Ceiling(AllFields(BlockCatalog.All.SelectMany(b => b.Config)).Average(f => (double)(f.Fields?.Count ?? 0))));

    private static IEnumerable<ConfigField> AllFields(IEnumerable<ConfigField> fields) =>
        fields.SelectMany(f => AllFields(f.Fields ?? []).Prepend(f));
}
