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
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<UnlockSignIn>();
        services.AddScoped<Bootstrap>();
        services.TryAddSingleton(_ => new FirstUserConsole(Console.Out));
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, TokenKeyStore>();

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<RespondDbContext>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token").SetAuthorizationEndpointUris("connect/authorize");
                o.AllowClientCredentialsFlow().AllowPasswordFlow().AllowRefreshTokenFlow().AllowAuthorizationCodeFlow();
                o.RequireProofKeyForCodeExchange();
                o.RemoveEventHandler(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor);
                o.AddEventHandler(SameOriginRedirectUri.Descriptor);
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess);
                o.SetAccessTokenLifetime(TimeSpan.FromHours(1));
                o.UseAspNetCore().EnableTokenEndpointPassthrough().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
            });

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
