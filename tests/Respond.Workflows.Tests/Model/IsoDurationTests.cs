namespace Respond.Workflows.Tests.Model;

public sealed class IsoDurationTests
{
    [Theory]
    [InlineData("PT10M", 600)]
    [InlineData("PT1H", 3600)]
    [InlineData("P1D", 86400)]
    [InlineData("P1DT2H3M4S", 93784)]
    [InlineData("PT0.5S", 0.5)]
    [InlineData("P2W", 1209600)]
    [InlineData("pt90s", 90)]
    public void TryParse_ValidDuration_ReturnsItsLength(string text, double seconds)
    {
        var parsed = IsoDuration.TryParse(text, out var duration);

        Assert.True(parsed);
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    [InlineData("10M")]
    [InlineData("PT-5M")]
    [InlineData("P99999999999999999999D")]
    public void TryParse_InvalidDuration_ReturnsFalse(string text)
    {
        var parsed = IsoDuration.TryParse(text, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void ToString_MixedDuration_WritesCanonicalForm()
    {
        var duration = new IsoDuration(new TimeSpan(1, 2, 3, 4));

        var text = duration.ToString();

        Assert.Equal("P1DT2H3M4S", text);
    }
}
