using Microsoft.Extensions.Options;

namespace Respond.Server.Tests.Cluster;

/// <summary>`Respond:Cluster`: a check-in timing that would declare every node dead (or never) is refused at start, naming the key.</summary>
public sealed class ClusterOptionsTests
{
    [Theory]
    [InlineData("Respond:Cluster:CheckinInterval")]
    [InlineData("Respond:Cluster:CheckinMisfireThreshold")]
    [InlineData("Respond:Cluster:LeaseDuration")]
    [InlineData("Respond:Cluster:LeaseRenewInterval")]
    [InlineData("Respond:Cluster:LogPollInterval")]
    public async Task ClusterTiming_Zero_RefusedAtStartNamingTheKey(string key)
    {
        await using var api = new RespondApiFixture().With(key, "00:00:00");

        var refused = Assert.Throws<OptionsValidationException>(() => api.CreateClient());

        Assert.Contains(key, refused.Message);
    }
}
