using System.Net;
using CallControl.Api.Webhooks.Delivery;

namespace CallControl.Api.Tests.Webhooks.Delivery;

public sealed class DestinationPolicyAddressTests
{
    [Theory]
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("93.184.216.34", AddressClass.Public)]
    [InlineData("11.0.0.1", AddressClass.Public)]
    [InlineData("172.15.255.255", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("100.63.255.255", AddressClass.Public)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    [InlineData("169.253.255.255", AddressClass.Public)]
    [InlineData("192.0.1.1", AddressClass.Public)]
    [InlineData("192.169.0.1", AddressClass.Public)]
    [InlineData("198.17.255.255", AddressClass.Public)]
    [InlineData("198.20.0.1", AddressClass.Public)]
    [InlineData("223.255.255.255", AddressClass.Public)]
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.255.255.254", AddressClass.Loopback)]
    [InlineData("10.0.0.1", AddressClass.Private)]
    [InlineData("10.255.255.255", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("192.168.0.1", AddressClass.Private)]
    [InlineData("192.168.255.255", AddressClass.Private)]
    [InlineData("169.254.169.254", AddressClass.LinkLocal)]
    [InlineData("169.254.0.1", AddressClass.LinkLocal)]
    [InlineData("100.64.0.1", AddressClass.SharedAddressSpace)]
    [InlineData("100.127.255.255", AddressClass.SharedAddressSpace)]
    [InlineData("0.0.0.0", AddressClass.Unspecified)]
    [InlineData("0.1.2.3", AddressClass.Unspecified)]
    [InlineData("224.0.0.1", AddressClass.Multicast)]
    [InlineData("239.255.255.250", AddressClass.Multicast)]
    [InlineData("255.255.255.255", AddressClass.Broadcast)]
    [InlineData("192.0.0.8", AddressClass.ProtocolAssignments)]
    [InlineData("192.0.0.170", AddressClass.ProtocolAssignments)]
    [InlineData("198.18.0.1", AddressClass.Benchmarking)]
    [InlineData("198.19.255.255", AddressClass.Benchmarking)]
    [InlineData("240.0.0.1", AddressClass.Reserved)]
    public void IPv4AddressesAreClassified(string address, AddressClass expected)
    {
        DestinationPolicy.Classify(IPAddress.Parse(address)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("2001:4860:4860::8888", AddressClass.Public)]
    [InlineData("2606:4700:4700::1111", AddressClass.Public)]
    [InlineData("fbff::1", AddressClass.Public)]
    [InlineData("::1", AddressClass.Loopback)]
    [InlineData("::", AddressClass.Unspecified)]
    [InlineData("fc00::1", AddressClass.Private)]
    [InlineData("fd12:3456:789a::1", AddressClass.Private)]
    [InlineData("fec0::1", AddressClass.Private)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("fe80::1%2", AddressClass.LinkLocal)]
    [InlineData("febf:ffff::1", AddressClass.LinkLocal)]
    [InlineData("ff02::1", AddressClass.Multicast)]
    [InlineData("ff05::1:3", AddressClass.Multicast)]
    [InlineData("::7f00:1", AddressClass.Reserved)]
    public void IPv6AddressesAreClassified(string address, AddressClass expected)
    {
        DestinationPolicy.Classify(IPAddress.Parse(address)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("::ffff:8.8.8.8", AddressClass.Public)]
    [InlineData("::ffff:127.0.0.1", AddressClass.Loopback)]
    [InlineData("::ffff:7f00:1", AddressClass.Loopback)]
    [InlineData("::ffff:10.1.2.3", AddressClass.Private)]
    [InlineData("::ffff:172.16.0.1", AddressClass.Private)]
    [InlineData("::ffff:192.168.1.1", AddressClass.Private)]
    [InlineData("::ffff:169.254.169.254", AddressClass.LinkLocal)]
    [InlineData("::ffff:100.64.0.1", AddressClass.SharedAddressSpace)]
    [InlineData("::ffff:0.0.0.0", AddressClass.Unspecified)]
    [InlineData("::ffff:224.0.0.1", AddressClass.Multicast)]
    [InlineData("::ffff:255.255.255.255", AddressClass.Broadcast)]
    [InlineData("::ffff:192.0.0.1", AddressClass.ProtocolAssignments)]
    [InlineData("::ffff:198.18.0.1", AddressClass.Benchmarking)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressClass.LinkLocal)]
    [InlineData("64:ff9b::7f00:1", AddressClass.Loopback)]
    [InlineData("64:ff9b::808:808", AddressClass.Public)]
    public void IPv6FormsCarryingAnIPv4AddressTakeItsClass(string address, AddressClass expected)
    {
        DestinationPolicy.Classify(IPAddress.Parse(address)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.0.0.1", "private network")]
    [InlineData("172.20.1.1", "private network")]
    [InlineData("192.168.1.1", "private network")]
    [InlineData("fd00::1", "private network")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("192.0.0.1", "IETF protocol assignment")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("240.0.0.1", "reserved")]
    public void WithoutConfigurationNonPublicAddressesAreRefusedNamingTheirClass(string address, string classWords)
    {
        var (ok, error) = Policies.Production().CheckAddress(IPAddress.Parse(address));

        ok.ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldStartWith(IPAddress.Parse(address) + " is ");
        error.ShouldContain(classWords);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void PublicAddressesAreAllowedWithoutConfiguration(string address)
    {
        Policies.Production().CheckAddress(IPAddress.Parse(address)).ShouldBe((true, null));
    }

    [Theory]
    [InlineData("10.20.0.1", true)]
    [InlineData("10.20.255.255", true)]
    [InlineData("::ffff:10.20.3.4", true)]
    [InlineData("10.21.0.1", false)]
    [InlineData("10.19.255.255", false)]
    [InlineData("fd00:1::5", true)]
    [InlineData("fd00:1::ffff:ffff:ffff:ffff", true)]
    [InlineData("fd00:2::5", false)]
    [InlineData("192.168.1.10", true)]
    [InlineData("192.168.1.11", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    public void AllowlistedAddressesAndRangesAreAllowedAndNothingElse(string address, bool allowed)
    {
        var policy = Policies.Production("10.20.0.0/16", "fd00:1::/64", "192.168.1.10", "hooks.internal.example");

        policy.CheckAddress(IPAddress.Parse(address)).Ok.ShouldBe(allowed);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:192.168.0.1")]
    public void AllowingPrivateNetworksAllowsEveryAddressClass(string address)
    {
        Policies.PrivateAllowed().CheckAddress(IPAddress.Parse(address)).ShouldBe((true, null));
    }

    [Theory]
    [InlineData(null, "Development", true)]
    [InlineData(null, "Production", false)]
    [InlineData(null, "Staging", false)]
    [InlineData(false, "Development", false)]
    [InlineData(true, "Production", true)]
    public void PrivateNetworksAreAllowedByDefaultOnlyInDevelopment(bool? configured, string environment, bool expected)
    {
        var policy = Policies.Create(configured, environment);

        policy.AllowsPrivateNetworks.ShouldBe(expected);
        policy.CheckAddress(IPAddress.Loopback).Ok.ShouldBe(expected);
    }
}
