using System.Text;
using CallControl.Api.Webhooks.Delivery;

namespace CallControl.Api.Tests.Webhooks.Delivery;

public sealed class WebhookSecretTests
{
    [Fact]
    public void AGeneratedSecretIsWhsecFollowedByBase64Of32Bytes()
    {
        var secret = WebhookSecret.Generate();

        secret.Value.ShouldStartWith("whsec_");
        var decoded = Convert.FromBase64String(secret.Value["whsec_".Length..]);
        decoded.Length.ShouldBe(32);
        secret.KeyBytes.ShouldBe(decoded);
    }

    [Fact]
    public void TwoGeneratedSecretsDiffer()
    {
        WebhookSecret.Generate().Value.ShouldNotBe(WebhookSecret.Generate().Value);
    }

    [Fact]
    public void AGeneratedSecretParsesBackToTheSameKey()
    {
        var generated = WebhookSecret.Generate();

        var parsed = WebhookSecret.Parse(generated.Value);

        parsed.Value.ShouldBe(generated.Value);
        parsed.KeyBytes.ShouldBe(generated.KeyBytes);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(64)]
    public void ASuppliedSecretWithAKeyOf24To64BytesIsAccepted(int keyLength)
    {
        var key = Enumerable.Range(1, keyLength).Select(i => (byte)i).ToArray();

        WebhookSecret.TryParse("whsec_" + Convert.ToBase64String(key), out var secret, out var error).ShouldBeTrue();

        error.ShouldBeNull();
        secret!.KeyBytes.ShouldBe(key);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "does not start with 'whsec_'")]
    [InlineData("WHSEC_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "does not start with 'whsec_'")]
    [InlineData("whsec_", "not valid base64")]
    [InlineData("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "not valid base64")]
    [InlineData("whsec_AAECAwQFBgcICQoLDA0O DxAREhMUFRYXGBkaGxwdHh8=", "not valid base64")]
    [InlineData("whsec_AAECAwQFBgcICQoLDA0O\nDxAREhMUFRYXGBkaGxwdHh8=", "not valid base64")]
    [InlineData("whsec_AAECAwQFBgcICQoLDA0O-xAREhMUFRYXGBkaGxwdHh8=", "not valid base64")]
    [InlineData("whsec_AAECAwQFBgcICQoLDA0O", "is 15 bytes; at least 24 are required")]
    public void AMalformedSecretIsRejectedWithAMessageSayingWhy(string? value, string expectedFragment)
    {
        WebhookSecret.TryParse(value, out var secret, out var error).ShouldBeFalse();

        secret.ShouldBeNull();
        error.ShouldNotBeNull();
        error.ShouldContain(expectedFragment);
        error.ShouldContain("24 to 64 random bytes");
    }

    [Fact]
    public void ASecretOneByteTooShortIsRejected()
    {
        var value = "whsec_" + Convert.ToBase64String(new byte[23]);

        WebhookSecret.TryParse(value, out _, out var error).ShouldBeFalse();

        error!.ShouldContain("is 23 bytes");
    }

    [Theory]
    [InlineData(65)]
    [InlineData(66)]
    [InlineData(100)]
    public void ASecretWithMoreThan64BytesIsRejected(int keyLength)
    {
        var value = "whsec_" + Convert.ToBase64String(new byte[keyLength]);

        WebhookSecret.TryParse(value, out _, out var error).ShouldBeFalse();

        error!.ShouldContain("longer than 64 bytes");
    }

    [Fact]
    public void TheRejectionMessageNeverQuotesTheSecret()
    {
        const string value = "whsec_c2hvcnQtc2VjcmV0LXZhbHVl";

        WebhookSecret.TryParse(value, out _, out var error).ShouldBeFalse();

        error!.ShouldNotContain("c2hvcnQtc2VjcmV0");
    }

    [Fact]
    public void ParseThrowsFormatExceptionWithTheReason()
    {
        var exception = Should.Throw<FormatException>(() => WebhookSecret.Parse("whsec_abc"));

        exception.Message.ShouldContain("not valid base64");
    }

    [Fact]
    public void ToStringIsRedacted()
    {
        var secret = WebhookSecret.Generate();

        secret.ToString().ShouldBe("whsec_***");
        $"{secret}".ShouldNotContain(secret.Value["whsec_".Length..]);
    }

    [Fact]
    public void ChangingTheReturnedKeyBytesDoesNotChangeTheSecret()
    {
        var secret = WebhookSecret.Parse("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        var signer = new WebhookSigner(new FixedClock(1_700_000_000));
        var before = signer.Sign("msg_1", Encoding.UTF8.GetBytes("{}"), secret).Signature;

        var copy = secret.KeyBytes;
        Array.Fill(copy, (byte)0xff);

        secret.KeyBytes[0].ShouldBe((byte)0x00);
        signer.Sign("msg_1", Encoding.UTF8.GetBytes("{}"), secret).Signature.ShouldBe(before);
    }
}
