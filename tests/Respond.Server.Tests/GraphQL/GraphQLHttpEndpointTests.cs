using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.GraphQL;

public abstract class GraphQLHttpEndpointTests(RespondApiFixture api)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [SkippableFact]
    public async Task Post_WithoutToken_Returns401WithBearerChallenge()
    {
        using var http = api.CreateClient();

        var response = await http.PostAsync("/graphql", Json("""{"query":"{ viewer { id } }"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [SkippableFact]
    public async Task Post_GraphQLResponseJsonAccepted_ReturnsThatMediaType()
    {
        using var http = await api.ClientAsAsync("viewer");
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = Json("""{"query":"{ viewer { id roles } }"}""") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/graphql-response+json", response.Content.Headers.ContentType!.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("viewer", body.Str("data.viewer.id"));
    }

    [SkippableFact]
    public async Task Get_Query_Executes()
    {
        using var http = await api.ClientAsAsync("viewer");

        var response = await http.GetAsync("/graphql?query=" + Uri.EscapeDataString("{ viewer { id } }"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("viewer", JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("data.viewer.id"));
    }

    [SkippableFact]
    public async Task Get_Mutation_Returns405AndDoesNotRun()
    {
        using var http = await api.ClientAsAsync("admin");
        var mutation = "mutation { createOrganization(input: { id: \"via-get\", name: \"Via GET\" }) { errors { code } } }";

        var response = await http.GetAsync("/graphql?query=" + Uri.EscapeDataString(mutation));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var orgs = await api.GraphQLAsync("admin", "{ organizations { edges { node { id } } } }");
        Assert.DoesNotContain("via-get", orgs.ToJsonString());
    }

    [SkippableFact]
    public async Task Post_MalformedJson_Returns400WithCode()
    {
        using var http = await api.ClientAsAsync("viewer");

        var response = await http.PostAsync("/graphql", Json("""{"query": "{ viewer { id } }" """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BAD_REQUEST", JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("errors.0.extensions.code"));
    }

    [SkippableFact]
    public async Task Post_OversizedBody_Returns413AndServerKeepsServing()
    {
        using var http = await api.ClientAsAsync("viewer");
        var huge = "{\"query\":\"{ viewer { id } }\",\"variables\":{\"x\":\"" + new string('a', 5 * 1024 * 1024) + "\"}}";

        var response = await http.PostAsync("/graphql", Json(huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("REQUEST_TOO_LARGE", JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("errors.0.extensions.code"));
        var after = await api.GraphQLAsync("viewer", "{ viewer { id } }");
        Assert.Equal("viewer", after.Str("data.viewer.id"));
    }

    [SkippableFact]
    public async Task Post_OverDeepQuery_RefusedWithClearError()
    {
        // Deeper than even introspection may go (MaxIntrospectionDepth 30; the standard introspection query stays well inside it).
        var deep = "{ __schema { types { fields { type " + string.Concat(Enumerable.Repeat("{ ofType ", 40)) + "{ name }" + new string('}', 40) + " } } } }";

        var response = await api.GraphQLAsync("viewer", deep);

        var error = response.At("errors.0");
        Assert.Null(response["data"]);
        Assert.Contains("depth", error.Str("message"), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(error.Str("extensions.code")));
    }

    [SkippableFact]
    public async Task Post_UnknownEnumValue_ValidationErrorNamesTheValue()
    {
        var response = await api.GraphQLAsync("viewer", "{ rules(where: { status: SOMETIMES }) { totalCount } }");

        var error = response.At("errors.0");
        Assert.Contains("SOMETIMES", error.Str("message"));
        Assert.False(string.IsNullOrEmpty(error.Str("extensions.code")));
    }

    [SkippableFact]
    public async Task Post_BatchOverLimit_Returns400NamingTheLimit()
    {
        using var http = await api.ClientAsAsync("viewer");
        var batch = "[" + string.Join(",", Enumerable.Repeat("""{"query":"{ viewer { id } }"}""", 11)) + "]";

        var response = await http.PostAsync("/graphql", Json(batch));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 10", JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("errors.0.message"));
    }

    [SkippableFact]
    public async Task Post_Batch_ReturnsOneResultPerOperation()
    {
        using var http = await api.ClientAsAsync("viewer");

        var response = await http.PostAsync("/graphql", Json("""[{"query":"{ viewer { id } }"},{"query":"{ respondSettings { enabled } }"}]"""));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(2, body.Count);
        Assert.Equal("viewer", body[0]!.Str("data.viewer.id"));
    }

    [SkippableFact]
    public async Task Post_WrongContentType_Returns415()
    {
        using var http = await api.ClientAsAsync("viewer");

        var response = await http.PostAsync("/graphql", new StringContent("{ viewer { id } }", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [SkippableFact]
    public async Task Post_SubscriptionOverHttp_RefusedWithCode()
    {
        var response = await api.GraphQLAsync("viewer", "subscription { auditRecorded { id } }");

        Assert.Equal("SUBSCRIPTION_OVER_HTTP", response.Str("errors.0.extensions.code"));
    }

    public sealed class OnSqlite(RespondApiFixture api) : GraphQLHttpEndpointTests(api), IClassFixture<RespondApiFixture>;

    public sealed class OnPostgreSql : GraphQLHttpEndpointTests, IClassFixture<PostgreSqlApiFixture>
    {
        public OnPostgreSql(PostgreSqlApiFixture api) : base(api) => PostgreSqlTestServer.Require();
    }
}
