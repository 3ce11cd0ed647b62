using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;
using Respond.Server.Connectors.Outbound;

namespace Respond.Server.Tests.Connectors.Outbound;

public sealed class OutboundAddressPolicyTests
{
    private static OutboundAddressPolicy Policy(bool allowPrivate = false, params string[] allowed) =>
        new(Options.Create(new OutboundOptions { AllowPrivateNetworks = allowPrivate, AllowedNetworks = [.. allowed] }));

    [Theory]
    [InlineData("127.0.0.1", OutboundAddressKind.Loopback)]
    [InlineData("127.8.9.10", OutboundAddressKind.Loopback)]
    [InlineData("::1", OutboundAddressKind.Loopback)]
    [InlineData("169.254.169.254", OutboundAddressKind.LinkLocal)]
    [InlineData("fe80::1", OutboundAddressKind.LinkLocal)]
    [InlineData("10.0.0.1", OutboundAddressKind.Private)]
    [InlineData("10.255.255.254", OutboundAddressKind.Private)]
    [InlineData("172.16.0.1", OutboundAddressKind.Private)]
    [InlineData("172.31.255.1", OutboundAddressKind.Private)]
    [InlineData("192.168.1.1", OutboundAddressKind.Private)]
    [InlineData("100.64.0.1", OutboundAddressKind.SharedAddressSpace)]
    [InlineData("fd00::1", OutboundAddressKind.UniqueLocal)]
    [InlineData("fd00:ec2::254", OutboundAddressKind.UniqueLocal)]
    [InlineData("fc00::1", OutboundAddressKind.UniqueLocal)]
    [InlineData("0.0.0.0", OutboundAddressKind.Unspecified)]
    [InlineData("::", OutboundAddressKind.Unspecified)]
    [InlineData("224.0.0.1", OutboundAddressKind.Multicast)]
    [InlineData("ff02::1", OutboundAddressKind.Multicast)]
    [InlineData("255.255.255.255", OutboundAddressKind.Reserved)]
    [InlineData("::ffff:127.0.0.1", OutboundAddressKind.Loopback)]
    [InlineData("::ffff:169.254.169.254", OutboundAddressKind.LinkLocal)]
    [InlineData("::ffff:10.1.2.3", OutboundAddressKind.Private)]
    [InlineData("::127.0.0.1", OutboundAddressKind.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", OutboundAddressKind.LinkLocal)]
    [InlineData("2002:7f00:1::1", OutboundAddressKind.Loopback)]
    public void Refuses_InternalAddressByDefault_NamesItsKind(string address, OutboundAddressKind kind)
    {
        Assert.Equal(kind, Policy().Refuses(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Refuses_PublicAddress_Allows(string address)
    {
        Assert.Null(Policy().Refuses(IPAddress.Parse(address)));
    }

    [Fact]
    public void Refuses_AllowedNetworkListed_AllowsOnlyThatBlockInBothForms()
    {
        var policy = Policy(false, "127.0.0.1/32", "10.20.0.0/16");

        Assert.Null(policy.Refuses(IPAddress.Parse("127.0.0.1")));
        Assert.Null(policy.Refuses(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Null(policy.Refuses(IPAddress.Parse("10.20.3.4")));
        Assert.Equal(OutboundAddressKind.Loopback, policy.Refuses(IPAddress.Parse("127.0.0.2")));
        Assert.Equal(OutboundAddressKind.Private, policy.Refuses(IPAddress.Parse("10.21.0.1")));
        Assert.Equal(OutboundAddressKind.LinkLocal, policy.Refuses(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public void Refuses_AllowPrivateNetworks_AllowsPrivateButNeverLoopbackOrMetadata()
    {
        var policy = Policy(allowPrivate: true);

        Assert.Null(policy.Refuses(IPAddress.Parse("10.0.0.1")));
        Assert.Null(policy.Refuses(IPAddress.Parse("192.168.7.7")));
        Assert.Null(policy.Refuses(IPAddress.Parse("100.64.1.1")));
        Assert.Null(policy.Refuses(IPAddress.Parse("fd12:3456::1")));
        Assert.Equal(OutboundAddressKind.Loopback, policy.Refuses(IPAddress.Parse("127.0.0.1")));
        Assert.Equal(OutboundAddressKind.LinkLocal, policy.Refuses(IPAddress.Parse("169.254.169.254")));
        Assert.Equal(OutboundAddressKind.LinkLocal, policy.Refuses(IPAddress.Parse("fe80::1")));
    }

    [Fact]
    public void Options_AllowedNetworkNotACidr_FailsValidation()
    {
        var options = new OutboundOptions { AllowedNetworks = ["10.0.0.0/8", "not-a-network", ""] };

        var results = new List<ValidationResult>();
        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains("not-a-network", Assert.Single(results).ErrorMessage);
    }
}
