using Microsoft.AspNetCore.Http.HttpResults;

namespace Respond.Server.Connectors.Agents;

/// <summary>The agents' own HTTP surface: enrolment and the command channel. Neither uses the OAuth tokens of people and services.</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/agents/enroll", EnrollAsync).AllowAnonymous().DisableAntiforgery();
        app.Map("/api/agents/connect", (HttpContext http, AgentChannel channel) => channel.HandleAsync(http)).AllowAnonymous();
        return app;
    }

    private static async Task<Results<Ok<EnrollAgentResponse>, ProblemHttpResult>> EnrollAsync(EnrollAgentRequest request, EnrollAgent enroll, HttpContext http)
    {
        var (enrolled, refused) = await enroll.ExecuteAsync(request, http.RequestAborted);
        return enrolled is not null
            ? TypedResults.Ok(enrolled)
            : TypedResults.Problem(refused!.Detail, statusCode: refused.Status, title: refused.Title);
    }
}
