using Respond.Workflows.Iocs;

namespace Respond.Workflows.Tests.Iocs;

public sealed class IndicatorExtractorTests
{
    private static Indicators ExtractFromMatch(string conditionsJson) =>
        IndicatorExtractor.Extract(RuleJson.Parse($$"""
            {
              "schemaVersion": 1,
              "nodes": [
                { "id": "t", "type": "trigger.event", "config": { "eventTypes": ["x"] } },
                { "id": "m", "type": "condition.match", "config": { "any": {{conditionsJson}} } }
              ],
              "edges": [ { "from": "t", "to": "m" } ]
            }
            """));

    [Fact]
    public void Extract_IpFieldsAndCidr_CollectsSortedDistinctIps()
    {
        var indicators = ExtractFromMatch("""
            [ { "field": "src.ip", "op": "eq", "value": "198.51.100.7" },
              { "field": "dst.ip", "op": "in", "value": ["203.0.113.9", "198.51.100.7"] },
              { "field": "raw.remote", "op": "cidr", "value": ["192.0.2.0/24"] } ]
            """);

        Assert.Equal(["192.0.2.0/24", "198.51.100.7", "203.0.113.9"], indicators.Ips);
    }

    [Fact]
    public void Extract_HashFields_CollectsLowerCaseHashes()
    {
        var indicators = ExtractFromMatch("""
            [ { "field": "file.sha256", "op": "eq", "value": "ABCDEF" },
              { "field": "raw.fileHash", "op": "in", "value": ["0123"] },
              { "field": "file.md5", "op": "eq", "value": "d41d8cd98f00b204e9800998ecf8427e" } ]
            """);

        Assert.Equal(["0123", "abcdef", "d41d8cd98f00b204e9800998ecf8427e"], indicators.Hashes);
    }

    [Fact]
    public void Extract_DomainAndUrlFields_CollectsHosts()
    {
        var indicators = ExtractFromMatch("""
            [ { "field": "dns.domain", "op": "eq", "value": "Evil.example" },
              { "field": "http.url", "op": "eq", "value": "https://c2.example.net/beacon?id=1" } ]
            """);

        Assert.Equal(["c2.example.net", "evil.example"], indicators.Domains);
    }

    [Fact]
    public void Extract_ProcessName_CollectsProcessNames()
    {
        var indicators = ExtractFromMatch("""[ { "field": "process.name", "op": "in", "value": ["mimikatz.exe", "rubeus.exe"] } ]""");

        Assert.Equal(["mimikatz.exe", "rubeus.exe"], indicators.ProcessNames);
    }

    [Fact]
    public void Extract_NegatedOrPartialComparisons_AreIgnored()
    {
        var indicators = ExtractFromMatch("""
            [ { "field": "src.ip", "op": "neq", "value": "10.0.0.1" },
              { "field": "process.name", "op": "contains", "value": "power" } ]
            """);

        Assert.Empty(indicators.Ips);
        Assert.Empty(indicators.ProcessNames);
    }

    [Fact]
    public void Extract_CorrelateSignals_CollectsFromEverySignal()
    {
        var definition = RuleJson.Parse("""
            {
              "schemaVersion": 1,
              "nodes": [
                { "id": "t", "type": "trigger.event", "config": { "eventTypes": ["x"] } },
                { "id": "c", "type": "condition.correlate", "config": { "groupBy": ["user.id"], "window": "PT1H", "signals": [
                  { "name": "a", "all": [ { "field": "src.ip", "op": "eq", "value": "203.0.113.5" } ] },
                  { "name": "b", "any": [ { "field": "file.sha256", "op": "eq", "value": "aa" } ] } ] } }
              ],
              "edges": [ { "from": "t", "to": "c" } ]
            }
            """);

        var indicators = IndicatorExtractor.Extract(definition);

        Assert.Equal(["203.0.113.5"], indicators.Ips);
        Assert.Equal(["aa"], indicators.Hashes);
    }

    [Fact]
    public void Extract_MalformedDefinition_ReturnsEmptyIndicators()
    {
        var indicators = IndicatorExtractor.Extract(RuleJson.Parse("\"nope\""));

        Assert.Empty(indicators.Ips.Concat(indicators.Hashes).Concat(indicators.Domains).Concat(indicators.ProcessNames));
    }
}
