using System.Security.Cryptography;
using System.Text;
using CallControl.Api.Webhooks.Delivery;

namespace CallControl.Api.Tests.Webhooks.Delivery;

public sealed class WebhookSignerTests
{
    private const long Now = 1_700_000_000;
    private const string MessageId = "msg_2b7f0c1e9d";
    private const string Body = """{"type":"participant.held","conversationId":"c-1","version":6,"occurredAt":"2023-11-14T22:13:20Z"}""";

    private static readonly WebhookSecret Secret = WebhookSecret.Parse("whsec_MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=");

    [Fact]
    public void TheHeadersCarryTheIdTheClockInUnixSecondsAndAV1Signature()
    {
        var headers = new WebhookSigner(new FixedClock(Now)).Sign(MessageId, Encoding.UTF8.GetBytes(Body), Secret);

        headers.Id.ShouldBe(MessageId);
        headers.Timestamp.ShouldBe("1700000000");
        headers.Signature.ShouldStartWith("v1,");
        headers.Signature.Length.ShouldBe(3 + 44);
    }

    [Fact]
    public void TheSignatureIsTheHmacSha256OfIdDotTimestampDotBodyUnderTheDecodedKey()
    {
        var headers = new WebhookSigner(new FixedClock(Now)).Sign(MessageId, Encoding.UTF8.GetBytes(Body), Secret);

        headers.Signature.ShouldBe("v1," + IndependentSignature(Secret, $"{MessageId}.{Now}.{Body}"));
    }

    [Fact]
    public void TheSignatureMatchesAKnownAnswerForAFixedKey()
    {
        // Key 00 01 … 1f; the expected MAC was computed once outside .NET and written down.
        var secret = WebhookSecret.Parse("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        var body = Encoding.UTF8.GetBytes("""{"type":"conversation.started","conversationId":"c-42"}""");

        var headers = new WebhookSigner(new FixedClock(1_700_000_000)).Sign("msg_kat_0001", body, secret);

        headers.Signature.ShouldBe("v1,ZNC62XV5BI62qVFAu+hw46R5jHFlJf+XrJvpzALAfNg=");
    }

    [Fact]
    public void TheBodyIsSignedAsItsExactBytesIncludingNonAsciiText()
    {
        const string body = """{"displayName":"Zoë Ångström 日本","note":"tab\tand\nnewline"}""";

        var headers = new WebhookSigner(new FixedClock(Now)).Sign(MessageId, Encoding.UTF8.GetBytes(body), Secret);

        headers.Signature.ShouldBe("v1," + IndependentSignature(Secret, $"{MessageId}.{Now}.{body}"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(4096)]
    [InlineData(300_000)]
    public void BodiesOfEverySizeAreSignedLikeTheIndependentComputation(int size)
    {
        var body = new string('x', size);

        var headers = new WebhookSigner(new FixedClock(Now)).Sign(MessageId, Encoding.UTF8.GetBytes(body), Secret);

        headers.Signature.ShouldBe("v1," + IndependentSignature(Secret, $"{MessageId}.{Now}.{body}"));
    }

    [Fact]
    public void WhileRotatingEachSecretAddsASpaceSeparatedEntryInOrder()
    {
        var old = WebhookSecret.Generate();
        var next = WebhookSecret.Generate();
        var content = $"{MessageId}.{Now}.{Body}";

        var headers = new WebhookSigner(new FixedClock(Now)).Sign(MessageId, Encoding.UTF8.GetBytes(Body), old, next);

        headers.Signature.Split(' ').ShouldBe(["v1," + IndependentSignature(old, content), "v1," + IndependentSignature(next, content)]);
    }

    [Fact]
    public void ManySecretsStillProduceOneEntryEach()
    {
        var secrets = Enumerable.Range(0, 20).Select(_ => WebhookSecret.Generate()).ToArray();
        var content = $"{MessageId}.{Now}.{Body}";

        var headers = new WebhookSigner(new FixedClock(Now)).Sign(MessageId, Encoding.UTF8.GetBytes(Body), secrets);

        headers.Signature.Split(' ').ShouldBe(secrets.Select(secret => "v1," + IndependentSignature(secret, content)).ToArray());
    }

    [Fact]
    public void EachAttemptIsStampedWithTheClockAtSigningTime()
    {
        var clock = new FixedClock(Now);
        var signer = new WebhookSigner(clock);
        var first = signer.Sign(MessageId, Encoding.UTF8.GetBytes(Body), Secret);

        clock.UnixSeconds = Now + 60;
        var retry = signer.Sign(MessageId, Encoding.UTF8.GetBytes(Body), Secret);

        retry.Id.ShouldBe(first.Id);
        retry.Timestamp.ShouldBe("1700000060");
        retry.Signature.ShouldNotBe(first.Signature);
    }

    [Theory]
    [InlineData("")]
    [InlineData("msg 1")]
    [InlineData("msg\n1")]
    [InlineData("msgé")]
    public void AnIdThatCannotTravelInAHeaderIsRefused(string id)
    {
        var signer = new WebhookSigner(new FixedClock(Now));

        Should.Throw<ArgumentException>(() => signer.Sign(id, Encoding.UTF8.GetBytes(Body), Secret));
    }

    [Fact]
    public void SigningWithoutASecretIsRefused()
    {
        var signer = new WebhookSigner(new FixedClock(Now));

        Should.Throw<ArgumentException>(() => signer.Sign(MessageId, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void AppliedHeadersAppearOnTheRequestUnderTheirStandardNames()
    {
        var headers = new WebhookHeaders("msg_1", "1700000000", "v1,abc=");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.com/hooks");
        request.Headers.TryAddWithoutValidation("webhook-id", "stale");

        headers.ApplyTo(request.Headers);

        request.Headers.GetValues("webhook-id").ShouldBe(["msg_1"]);
        request.Headers.GetValues("webhook-timestamp").ShouldBe(["1700000000"]);
        request.Headers.GetValues("webhook-signature").ShouldBe(["v1,abc="]);
    }

    [Fact]
    public void VerifyAcceptsWhatWasSigned()
    {
        var signer = new WebhookSigner(new FixedClock(Now));
        var body = Encoding.UTF8.GetBytes(Body);

        var headers = signer.Sign(MessageId, body, Secret);

        signer.Verify(headers, body, Secret).ShouldBe(WebhookVerificationResult.Verified);
    }

    [Fact]
    public void VerifyAcceptsAHeaderBuiltIndependently()
    {
        var headers = new WebhookHeaders(MessageId, $"{Now}", "v1," + IndependentSignature(Secret, $"{MessageId}.{Now}.{Body}"));

        new WebhookSigner(new FixedClock(Now)).Verify(headers, Encoding.UTF8.GetBytes(Body), Secret).ShouldBe(WebhookVerificationResult.Verified);
    }

    [Fact]
    public void VerifyRejectsATamperedBody()
    {
        var signer = new WebhookSigner(new FixedClock(Now));
        var headers = signer.Sign(MessageId, Encoding.UTF8.GetBytes(Body), Secret);

        var tampered = Encoding.UTF8.GetBytes(Body.Replace("\"version\":6", "\"version\":7", StringComparison.Ordinal));

        signer.Verify(headers, tampered, Secret).ShouldBe(WebhookVerificationResult.SignatureMismatch);
    }

    [Fact]
    public void VerifyRejectsTheWrongSecret()
    {
        var signer = new WebhookSigner(new FixedClock(Now));
        var body = Encoding.UTF8.GetBytes(Body);
        var headers = signer.Sign(MessageId, body, Secret);

        signer.Verify(headers, body, WebhookSecret.Generate()).ShouldBe(WebhookVerificationResult.SignatureMismatch);
    }

    [Fact]
    public void VerifyRejectsAChangedIdOrTimestamp()
    {
        var signer = new WebhookSigner(new FixedClock(Now));
        var body = Encoding.UTF8.GetBytes(Body);
        var headers = signer.Sign(MessageId, body, Secret);

        signer.Verify(headers with { Id = "msg_other" }, body, Secret).ShouldBe(WebhookVerificationResult.SignatureMismatch);
        signer.Verify(headers with { Timestamp = $"{Now + 1}" }, body, Secret).ShouldBe(WebhookVerificationResult.SignatureMismatch);
    }

    [Theory]
    [InlineData(-300, WebhookVerificationResult.Verified)]
    [InlineData(300, WebhookVerificationResult.Verified)]
    [InlineData(301, WebhookVerificationResult.TimestampOutOfTolerance)]
    [InlineData(-301, WebhookVerificationResult.TimestampOutOfTolerance)]
    [InlineData(86_400, WebhookVerificationResult.TimestampOutOfTolerance)]
    public void VerifyAcceptsTimestampsWithinFiveMinutesEitherWayOnly(long verifierOffsetSeconds, WebhookVerificationResult expected)
    {
        var body = Encoding.UTF8.GetBytes(Body);
        var headers = new WebhookSigner(new FixedClock(Now)).Sign(MessageId, body, Secret);

        var verifier = new WebhookSigner(new FixedClock(Now + verifierOffsetSeconds));

        verifier.Verify(headers, body, Secret).ShouldBe(expected);
    }

    [Fact]
    public void VerifyHonoursACustomTolerance()
    {
        var body = Encoding.UTF8.GetBytes(Body);
        var headers = new WebhookSigner(new FixedClock(Now)).Sign(MessageId, body, Secret);
        var verifier = new WebhookSigner(new FixedClock(Now + 31));

        verifier.Verify(headers, body, Secret, TimeSpan.FromSeconds(30)).ShouldBe(WebhookVerificationResult.TimestampOutOfTolerance);
        verifier.Verify(headers, body, Secret, TimeSpan.FromSeconds(31)).ShouldBe(WebhookVerificationResult.Verified);
    }

    [Fact]
    public void VerifyAcceptsAnyMatchingEntryAndIgnoresOtherVersions()
    {
        var signer = new WebhookSigner(new FixedClock(Now));
        var body = Encoding.UTF8.GetBytes(Body);
        var signed = signer.Sign(MessageId, body, WebhookSecret.Generate(), Secret);

        var withOthers = signed with { Signature = "v2,AAAA v1a,zzz v1,%%% " + signed.Signature };

        signer.Verify(withOthers, body, Secret).ShouldBe(WebhookVerificationResult.Verified);
    }

    [Fact]
    public void VerifyDoesNotAcceptTheRightMacUnderAnotherVersion()
    {
        var signer = new WebhookSigner(new FixedClock(Now));
        var body = Encoding.UTF8.GetBytes(Body);
        var signed = signer.Sign(MessageId, body, Secret);

        var relabelled = signed with { Signature = "v1a," + signed.Signature["v1,".Length..] };

        signer.Verify(relabelled, body, Secret).ShouldBe(WebhookVerificationResult.SignatureMismatch);
    }

    [Fact]
    public void VerifyRejectsATruncatedSignature()
    {
        var signer = new WebhookSigner(new FixedClock(Now));
        var body = Encoding.UTF8.GetBytes(Body);
        var signed = signer.Sign(MessageId, body, Secret);
        var mac = Convert.FromBase64String(signed.Signature["v1,".Length..]);

        var truncated = signed with { Signature = "v1," + Convert.ToBase64String(mac[..16]) };

        signer.Verify(truncated, body, Secret).ShouldBe(WebhookVerificationResult.SignatureMismatch);
    }

    [Theory]
    [InlineData("", "1700000000", "v1,abc=")]
    [InlineData("msg_1", "", "v1,abc=")]
    [InlineData("msg_1", "1700000000", "")]
    public void VerifyReportsAMissingHeader(string id, string timestamp, string signature)
    {
        var result = new WebhookSigner(new FixedClock(Now)).Verify(new WebhookHeaders(id, timestamp, signature), [], Secret);

        result.ShouldBe(WebhookVerificationResult.MissingHeader);
    }

    [Theory]
    [InlineData("-1700000000")]
    [InlineData("+1700000000")]
    [InlineData("1700000000.5")]
    [InlineData(" 1700000000")]
    [InlineData("17e8")]
    [InlineData("99999999999999999999999")]
    public void VerifyReportsAMalformedTimestamp(string timestamp)
    {
        var result = new WebhookSigner(new FixedClock(Now)).Verify(new WebhookHeaders("msg_1", timestamp, "v1,abc="), [], Secret);

        result.ShouldBe(WebhookVerificationResult.MalformedTimestamp);
    }

    [Fact]
    public void AHugeTimestampIsOutOfToleranceNotAnOverflow()
    {
        var result = new WebhookSigner(new FixedClock(Now)).Verify(new WebhookHeaders("msg_1", $"{long.MaxValue}", "v1,abc="), [], Secret);

        result.ShouldBe(WebhookVerificationResult.TimestampOutOfTolerance);
    }

    private static string IndependentSignature(WebhookSecret secret, string signedContent)
    {
        var key = Convert.FromBase64String(secret.Value["whsec_".Length..]);
        using var hmac = new HMACSHA256(key);
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(signedContent)));
    }
}
