using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using Respond.Server.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Respond.Server.Identity;

public static class IdentityFeature
{
    public static IServiceCollection AddRespondIdentity(this IServiceCollection services)
    {
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section)
            .Validate(o => o.IsValid, "Respond:Identity:SignIn needs MaxFailures >= 1, a positive LockoutDuration and MaxLockoutDuration >= LockoutDuration.")
            .ValidateOnStart();
        services.AddOptions<PublicOriginOptions>().BindConfiguration(PublicOriginOptions.Section)
            .Validate(o => o.IsValid, "Respond:PublicOrigin must be an absolute http(s) URL without query, e.g. https://respond.example.com.")
            .ValidateOnStart();
        services.AddOptions<AccessTokenOptions>().BindConfiguration(AccessTokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PrincipalStanding>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SourceThrottle>();
        services.AddSingleton<TokenEndpointThrottle>();
        services.AddSingleton<SignInAudit>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<UnlockSignIn>();
        services.AddScoped<Bootstrap>();
        services.AddScoped<PrincipalNames>();
        services.AddSingleton<PublicOrigins>();
        services.TryAddSingleton(_ => new FirstUserConsole(Console.Out));
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, TokenKeyStore>();

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<RespondDbContext>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token").SetAuthorizationEndpointUris("connect/authorize")
                    .SetRevocationEndpointUris("connect/revoke").SetIntrospectionEndpointUris("connect/introspect");
                o.AllowClientCredentialsFlow().AllowPasswordFlow().AllowRefreshTokenFlow().AllowAuthorizationCodeFlow();
                // PKCE with S256 only: a "plain" challenge is the verifier itself, so whoever sees the authorization request can redeem the code.
                o.RequireProofKeyForCodeExchange();
                o.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                });
                // Rotation without a reuse window: a refresh token works once; presenting it again revokes every token of that sign-in.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                o.RemoveEventHandler(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor);
                o.AddEventHandler(ConfiguredRedirectUri.Descriptor);
                o.AddEventHandler(TokenEndpointThrottle.RefuseThrottled.Descriptor);
                o.AddEventHandler(UnknownClientStandIn.Descriptor);
                o.AddEventHandler(UniformClientRefusal<OpenIddictServerEvents.ApplyTokenResponseContext>.Descriptor);
                o.AddEventHandler(UniformClientRefusal<OpenIddictServerEvents.ApplyIntrospectionResponseContext>.Descriptor);
                o.AddEventHandler(UniformClientRefusal<OpenIddictServerEvents.ApplyRevocationResponseContext>.Descriptor);
                o.AddEventHandler(TokenEndpointThrottle.RecordOutcome<OpenIddictServerEvents.ApplyTokenResponseContext>.Descriptor);
                o.AddEventHandler(TokenEndpointThrottle.RecordOutcome<OpenIddictServerEvents.ApplyIntrospectionResponseContext>.Descriptor);
                o.AddEventHandler(TokenEndpointThrottle.RecordOutcome<OpenIddictServerEvents.ApplyRevocationResponseContext>.Descriptor);
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess);
                o.UseAspNetCore().EnableTokenEndpointPassthrough().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                // After UseLocalServer, which turns it off for self-contained tokens: a revoked access token fails at once.
                o.EnableTokenEntryValidation();
                // Only the Authorization header: a token in a URL ends up in logs, history and Referer headers.
                o.UseAspNetCore().DisableAccessTokenExtractionFromQueryString().DisableAccessTokenExtractionFromBodyForm();
            });
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<PublicOriginOptions>>((server, origin) =>
        {
            if (origin.Value.Origin is { } issuer) server.Issuer = issuer;
        });
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<AccessTokenOptions>>((server, tokens) => server.AccessTokenLifetime = tokens.Value.Lifetime);

        services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .AddCookie(AuthorizationEndpoint.LoginScheme, AuthorizationEndpoint.ConfigureCookie);
        services.AddAntiforgery(o =>
        {
            o.FormFieldName = Designer.LoginPage.AntiforgeryField;
            o.Cookie.Name = "respond.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthorization();
        return services;
    }

    public static IEndpointRouteBuilder MapRespondIdentity(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", TokenEndpoint.HandleAsync).AllowAnonymous();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizationEndpoint.AuthorizeAsync).AllowAnonymous();
        app.MapGet("/login", AuthorizationEndpoint.LoginForm).AllowAnonymous();
        app.MapPost("/login", AuthorizationEndpoint.LoginAsync).AllowAnonymous().DisableAntiforgery();
        app.MapGet("/logout", (Delegate)AuthorizationEndpoint.LogoutAsync).AllowAnonymous();
        return app;
    }

    public static async Task BootstrapRespondAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Bootstrap>().RunAsync(ct);
    }
}
