using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Respond.Server.Tests.Identity;

/// <summary>
/// Wraps the host's OpenIddict application manager and counts client secret verifications (the PBKDF2 work), to show
/// by construction that an unknown client id costs the same verification as a wrong secret.
/// </summary>
public class CountingApplicationManager : DispatchProxy
{
    private IOpenIddictApplicationManager _inner = null!;
    private Counter _counter = null!;

    /// <summary>Secret verifications in one host.</summary>
    public sealed class Counter
    {
        private int _count;
        public int SecretVerifications => Volatile.Read(ref _count);
        public void Reset() => Interlocked.Exchange(ref _count, 0);
        internal void Increment() => Interlocked.Increment(ref _count);
    }

    /// <summary>Replaces the host's registration with a wrapper around it that counts into <paramref name="counter"/>.</summary>
    public static void Install(IServiceCollection services, Counter counter)
    {
        var original = services.Last(d => d.ServiceType == typeof(IOpenIddictApplicationManager));
        services.Remove(original);
        services.Add(new ServiceDescriptor(typeof(IOpenIddictApplicationManager), sp =>
        {
            var inner = (IOpenIddictApplicationManager)(original.ImplementationFactory?.Invoke(sp)
                ?? original.ImplementationInstance
                ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!));
            var proxy = Create<IOpenIddictApplicationManager, CountingApplicationManager>();
            ((CountingApplicationManager)(object)proxy)._inner = inner;
            ((CountingApplicationManager)(object)proxy)._counter = counter;
            return proxy;
        }, original.Lifetime));
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IOpenIddictApplicationManager.ValidateClientSecretAsync)) _counter.Increment();
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
