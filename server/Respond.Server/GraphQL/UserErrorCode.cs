using System.Collections.Frozen;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using GraphQL.Types;
using Respond.Workflows;

namespace Respond.Server.GraphQL;

/// <summary>
/// Every error code the API answers, in one list: a payload's <c>UserError.code</c>, a GraphQL error's
/// <c>extensions.code</c>, and the <c>code</c> of a REST problem (<c>/api/events</c>). Partners switch on these names,
/// so a member is never renamed or removed; the schema publishes the list as the enum <c>UserErrorCode</c>
/// (docs/graphql-api.md, "Error codes"). Code outside this list cannot name a code: <see cref="UserError"/> takes a
/// member, and thrown errors take <see cref="UserErrorCodeNames.ToSchemaName"/>.
/// </summary>
[JsonConverter(typeof(UserErrorCodeJsonConverter))]
public enum UserErrorCode
{
    // Input and state of the thing changed
    [Description("An input value is missing, malformed or out of range; path names the field.")]
    Validation,
    [Description("A rule definition has validation errors, so it cannot be activated or tested.")]
    InvalidDefinition,
    [Description("An event of a batch is malformed or names an organization the sender does not hold; path names the event and field.")]
    InvalidEvent,
    [Description("An event's text is not valid UTF-8 or holds a lone surrogate or U+0000.")]
    InvalidEncoding,
    [Description("More items than one request may carry (events of a batch, samples of a test).")]
    BatchTooLarge,
    [Description("No object with that id is visible to the caller (a foreign organization's object answers the same).")]
    NotFound,
    [Description("An object with that id already exists.")]
    Duplicate,
    [Description("A user with that user name already exists.")]
    UserNameTaken,
    [Description("An API client with that client id already exists.")]
    ClientIdTaken,
    [Description("expectedVersion is not the stored version: someone changed the object meanwhile; reload it.")]
    StaleVersion,
    [Description("The object or what it depends on changed at the same moment; nothing was changed. Reload and try again.")]
    StaleChange,
    [Description("The object's current state does not allow this change (an alert, action, agent or token already past it).")]
    InvalidState,
    [Description("Only an active rule can be paused.")]
    NotActive,
    [Description("Respond is already on for this scope.")]
    AlreadyOn,
    [Description("Respond is already off for this scope.")]
    AlreadyOff,
    [Description("Turning Respond off needs confirm: true.")]
    ConfirmationRequired,
    [Description("Turning Respond on needs every term acknowledged; the message lists the missing ones.")]
    TermsNotAcknowledged,
    [Description("The rule has no indicator an IOC rule could match.")]
    NoIndicators,
    [Description("The script check refused the source; the message lists its errors. Nothing was saved.")]
    ScriptRefused,
    [Description("A parked event failed again on retry and stays parked.")]
    EvaluationFailed,
    [Description("Rule evaluation is behind its limit; nothing of the batch was stored. Send it again after retryAfter seconds.")]
    EvaluationBehind,

    // Authorization and dual control (each refusal is audited)
    [Description("No valid access token: sign in or send a bearer token.")]
    Unauthenticated,
    [Description("The caller's roles or organizations do not allow this.")]
    Forbidden,
    [Description("Dual control: nobody decides a request they made (or one raised by their own rule).")]
    DualControl,
    [Description("The request names its approvers, or the rule covers organizations, and the caller is not one of them.")]
    NotAnApprover,
    [Description("The approval request is already decided.")]
    AlreadyDecided,
    [Description("The caller's approval already counts towards this request's quorum.")]
    AlreadyCounted,
    [Description("The approval request expired before the decision.")]
    Expired,
    [Description("A signed request from outside (a Slack interaction) failed its signature, timestamp or replay check; nothing was done.")]
    SignatureRefused,
    [Description("The Slack user who clicked is not linked to a Respond user; the answer carries a one-time link to link them (linkSlackUser).")]
    NotLinked,

    // Connections and actions
    [Description("The organization has no connection that can run this action type.")]
    NoConnection,
    [Description("The organization is not connected yet (connectOrganization).")]
    NotConnected,
    [Description("The SIMULATED connector is refused outside demo and Development unless Respond:Connectors:AllowSimulated is set.")]
    SimulatedConnectorDisabled,
    [Description("A connector setting names an address Respond may not call (loopback, private or link-local).")]
    OutboundAddressRefused,
    [Description("The action cannot be rolled back (not completed, not reversible, or itself a rollback).")]
    NotReversible,
    [Description("Someone rolled this action back at the same moment.")]
    AlreadyRolledBack,

    // Transport (GraphQL errors' extensions.code; HTTP status in parentheses)
    [Description("An argument outside what the API accepts, e.g. 'first' above the page size or an unknown cursor.")]
    BadUserInput,
    [Description("The HTTP request is not a GraphQL request (400): no query, not JSON, not UTF-8, wrong shape.")]
    BadRequest,
    [Description("The Accept header allows no media type the endpoint answers (406).")]
    NotAcceptable,
    [Description("Neither GET nor POST (405).")]
    MethodNotAllowed,
    [Description("The body's Content-Type or charset is not accepted (415).")]
    UnsupportedMediaType,
    [Description("The body is larger than the configured limit (413).")]
    RequestTooLarge,
    [Description("A mutation was sent with GET; send it with POST (405).")]
    MutationOverGet,
    [Description("A subscription was sent over HTTP; use graphql-transport-ws on /graphql.")]
    SubscriptionOverHttp,
    [Description("An introspection query asks for more than the schema's size justifies.")]
    IntrospectionTooLarge,
    [Description("An introspection query nests type references deeper than any real type needs.")]
    IntrospectionRecursive,
    [Description("An unexpected failure; the server log has the details (never the exception text).")]
    InternalServerError,
}

public static class UserErrorCodeNames
{
    private static readonly FrozenDictionary<UserErrorCode, string> Names =
        Enum.GetValues<UserErrorCode>().ToFrozenDictionary(c => c, ApiEnumName.Format);

    /// <summary>The code as the API spells it (SCREAMING_SNAKE_CASE, the schema's enum value), e.g. <c>STALE_VERSION</c>.</summary>
    public static string ToSchemaName(this UserErrorCode code) => Names[code];
}

/// <summary>Audit entries and REST problems spell a code as the schema does, never as its number.</summary>
public sealed class UserErrorCodeJsonConverter() : JsonStringEnumConverter<UserErrorCode>(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false);

public sealed class UserErrorCodeType : EnumerationGraphType<UserErrorCode>
{
    public UserErrorCodeType()
    {
        Name = "UserErrorCode";
        Description = "Every error code the API answers: in a payload's UserError.code, a GraphQL error's extensions.code and a REST problem's code.";
    }
}
