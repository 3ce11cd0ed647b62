using GraphQL.Types;

namespace Respond.Server.GraphQL;

/// <summary>API.md: "Times are ISO-8601 `DateTime`". Values carry their UTC offset (always +00:00 from this server).</summary>
public sealed class DateTimeScalar : DateTimeOffsetGraphType
{
    public DateTimeScalar()
    {
        Name = "DateTime";
        Description = "An ISO-8601 date and time with offset, e.g. 2026-11-23T18:00:00+00:00.";
    }
}
