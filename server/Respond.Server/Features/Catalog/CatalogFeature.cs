using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Workflows;
using Respond.Workflows.Activities;

namespace Respond.Server.Features.Catalog;

public sealed class ActivityDescriptorType : ObjectGraphType<BlockDescriptor>
{
    public ActivityDescriptorType()
    {
        Name = "ActivityDescriptor";
        Description = "A block the designer's palette shows: its ports and the form of its config.";
        Field(b => b.Id).Description("The block type written in a definition's node, e.g. condition.threshold.");
        Field<NonNullGraphType<EnumerationGraphType<BlockCategory>>>("category").Resolve(c => c.Source.Category);
        Field(b => b.DisplayName);
        Field(b => b.Description);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("ports").Description("Output ports; edges name one as their port.")
            .Resolve(c => c.Source.Ports);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ActivityInputType>>>>("inputs").Description("The config fields.")
            .Resolve(c => c.Source.Config);
        Field<EnumerationGraphType<ResponseActionType>>("actionType").Resolve(c => c.Source.ActionType);
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
            .Resolve(c => c.Source.Fields);
    }
}

public static class CatalogFeature
{
    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ActivityDescriptorType>>>>("activityCatalog")
            .Resolve(c =>
            {
                c.RequireReader();
                return BlockCatalog.All;
            });
}
