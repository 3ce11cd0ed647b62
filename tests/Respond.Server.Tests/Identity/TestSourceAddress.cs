using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Respond.Server.Tests.Identity;

/// <summary>
/// Lets a test choose the address a request comes from (the in-memory test server has none): the first middleware
/// copies the <see cref="Header"/> header into the connection's remote address. Only in test hosts.
/// </summary>
public static class TestSourceAddress
{
    public const string Header = "X-Test-Source-Address";

    public static RespondApiFixture WithSourceAddressHeader(this RespondApiFixture api) =>
        api.WithServices(s => s.AddSingleton<IStartupFilter, Filter>());

    /// <summary>A client whose requests come from <paramref name="address"/>.</summary>
    public static HttpClient ClientFrom(this RespondApiFixture api, string address)
    {
        var http = api.CreateClient();
        http.DefaultRequestHeaders.Add(Header, address);
        return http;
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var address))
                    http.Connection.RemoteIpAddress = address;
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
