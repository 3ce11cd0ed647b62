namespace Respond.Workflows.Activities;

/// <summary>Value types of block config; each has one editor in the designer and one check in the validator.</summary>
public enum ConfigFieldType
{
    String,
    /// <summary>A whole number greater than 0.</summary>
    Integer,
    Boolean,
    /// <summary>ISO-8601 duration such as <c>PT10M</c>, greater than zero.</summary>
    Duration,
    /// <summary>A severity name as in API.md, e.g. <c>HIGH</c> (case-insensitive).</summary>
    Severity,
    /// <summary>An event field path such as <c>user.id</c> or <c>raw.anything</c>.</summary>
    FieldPath,
    /// <summary>An IANA time zone id such as <c>Europe/Berlin</c>.</summary>
    TimeZone,
    /// <summary>A Quartz cron expression (6 or 7 fields).</summary>
    Cron,
    /// <summary>Text that may contain <c>{{field.path}}</c> placeholders.</summary>
    Template,
    Object,
    Array,
    /// <summary>A list of <c>{ field, op, value }</c> conditions.</summary>
    Conditions,
    /// <summary>C# source run in the script sandbox.</summary>
    Script,
    /// <summary>A C# boolean expression over <c>Event</c>, compiled in the script sandbox.</summary>
    Expression,
    /// <summary>A 24-hour time of day, <c>HH:mm</c>.</summary>
    TimeOfDay,
    /// <summary>Any JSON value (e.g. a condition's <c>value</c>).</summary>
    Any,
}
