using System.Net;
using StockAlerts.Modules.Notifications.Webhooks;

namespace StockAlerts.Tests.Notifications.Webhooks;

public sealed class WebhookTargetGuardTests
{
    [TestCase("10.1.2.3")]
    [TestCase("172.16.0.1")]
    [TestCase("172.31.255.255")]
    [TestCase("192.168.1.10")]
    [TestCase("127.0.0.1")]
    [TestCase("127.8.9.10")]
    [TestCase("169.254.169.254")]
    [TestCase("100.64.0.1")]
    [TestCase("100.127.255.255")]
    [TestCase("0.0.0.0")]
    [TestCase("224.0.0.251")]
    [TestCase("255.255.255.255")]
    [TestCase("::")]
    [TestCase("::1")]
    [TestCase("fe80::1")]
    [TestCase("fc00::1")]
    [TestCase("fd12:3456:789a::1")]
    [TestCase("ff02::1")]
    [TestCase("::ffff:10.0.0.1")]
    [TestCase("::ffff:127.0.0.1")]
    [TestCase("64:ff9b::a00:1")]
    [TestCase("198.18.0.1")]
    [TestCase("198.19.255.255")]
    [TestCase("192.0.0.8")]
    [TestCase("192.0.2.1")]
    [TestCase("203.0.113.5")]
    [TestCase("64:ff9b:1::a00:1")]
    [TestCase("64:ff9b:1::808:808")]
    [TestCase("2002:c0a8:101::1")]
    [TestCase("2002:808:808::1")]
    [TestCase("2001::1")]
    [TestCase("2001:db8::1")]
    [TestCase("::ffff:0:a00:1")]
    [TestCase("::ffff:0:7f00:1")]
    public void IsForbidden_ForAnInternalAddress_IsTrue(string address)
    {
        Assert.That(WebhookTargetGuard.IsForbidden(IPAddress.Parse(address)), Is.True);
    }

    [TestCase("8.8.8.8")]
    [TestCase("93.184.216.34")]
    [TestCase("172.32.0.1")]
    [TestCase("172.15.255.255")]
    [TestCase("100.128.0.1")]
    [TestCase("100.63.255.255")]
    [TestCase("192.169.0.1")]
    [TestCase("2001:4860:4860::8888")]
    [TestCase("::ffff:8.8.8.8")]
    [TestCase("64:ff9b::808:808")]
    [TestCase("198.17.255.255")]
    [TestCase("198.20.0.1")]
    [TestCase("192.0.1.1")]
    [TestCase("2001:1::1")]
    public void IsForbidden_ForAPublicAddress_IsFalse(string address)
    {
        Assert.That(WebhookTargetGuard.IsForbidden(IPAddress.Parse(address)), Is.False);
    }
}
