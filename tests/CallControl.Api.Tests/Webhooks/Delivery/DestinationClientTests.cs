using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CallControl.Api.Webhooks.Delivery;
using Microsoft.Extensions.Hosting;

namespace CallControl.Api.Tests.Webhooks.Delivery;

public sealed class DestinationClientTests : IAsyncLifetime
{
    private Receiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task ALoopbackReceiverIsRefusedWhenPrivateNetworksAreNotAllowed()
    {
        using var client = Policies.Production().CreateClient();

        var refused = await Should.ThrowAsync<DestinationRefusedException>(() => client.PostAsync(_receiver.Url("/hook"), Json("{}")));

        refused.Address.ShouldBe(IPAddress.Loopback);
        refused.Host.ShouldBe("127.0.0.1");
        refused.Message.ShouldContain("127.0.0.1 is a loopback address");
        refused.ShouldBeAssignableTo<HttpRequestException>();
        _receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task ALoopbackReceiverIsReachedInDevelopmentByDefault()
    {
        using var client = Policies.Create(allowPrivateNetworks: null, Environments.Development).CreateClient();

        using var response = await client.PostAsync(_receiver.Url("/hook"), Json("{}"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ALoopbackReceiverIsReachedWhenItsRangeIsAllowlisted()
    {
        using var client = Policies.Production("127.0.0.0/8").CreateClient();

        using var response = await client.PostAsync(_receiver.Url("/hook"), Json("{}"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ALoopbackReceiverIsReachedThroughAnAllowlistedHostName()
    {
        using var client = Policies.Production("localhost").CreateClient();

        using var response = await client.PostAsync(_receiver.Url("/hook", host: "localhost"), Json("{}"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task AnAllowlistedHostNameDoesNotOpenItsAddressUnderAnotherName()
    {
        using var client = Policies.Production("localhost").CreateClient();

        await Should.ThrowAsync<DestinationRefusedException>(() => client.PostAsync(_receiver.Url("/hook"), Json("{}")));

        _receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheAddressIsCheckedAtConnectTimeEvenWhenTheUrlWasNeverChecked()
    {
        using var client = Policies.Production().CreateClient();

        var refused = await Should.ThrowAsync<DestinationRefusedException>(() => client.PostAsync(_receiver.Url("/hook", host: "localhost"), Json("{}")));

        refused.Host.ShouldBe("localhost");
        refused.Message.ShouldStartWith("'localhost' resolves to ");
        refused.Message.ShouldContain("loopback");
        _receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task ARedirectIsReturnedNotFollowed()
    {
        using var client = Policies.PrivateAllowed().CreateClient();

        using var response = await client.PostAsync(_receiver.Url("/moved"), Json("{}"));

        response.StatusCode.ShouldBe(HttpStatusCode.Found);
        response.Headers.Location.ShouldBe(_receiver.Url("/hook"));
        _receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task AUrlWithCredentialsIsRefusedBeforeAnyConnection()
    {
        using var client = Policies.PrivateAllowed().CreateClient();

        var refused = await Should.ThrowAsync<DestinationRefusedException>(
            () => client.PostAsync(new Uri($"http://user:secret@127.0.0.1:{_receiver.Port}/hook"), Json("{}")));

        refused.Address.ShouldBeNull();
        refused.Message.ShouldContain("credentials");
        _receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task ASignedDeliveryArrivesWithTheExactBodyAndVerifies()
    {
        var secret = WebhookSecret.Generate();
        var signer = new WebhookSigner(TimeProvider.System);
        var body = Encoding.UTF8.GetBytes("""{"type":"conversation.started","conversationId":"c-7","version":1,"data":{"name":"Zoë"}}""");
        var headers = signer.Sign("msg_e2e_1", body, secret);
        using var client = Policies.PrivateAllowed().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _receiver.Url("/hook")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        headers.ApplyTo(request.Headers);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var received = _receiver.Received.ShouldHaveSingleItem();
        received.Body.ShouldBe(body);
        received.Id.ShouldBe("msg_e2e_1");
        var receivedHeaders = new WebhookHeaders(received.Id, received.Timestamp, received.Signature);
        signer.Verify(receivedHeaders, received.Body, secret).ShouldBe(WebhookVerificationResult.Verified);
        signer.Verify(receivedHeaders, received.Body, WebhookSecret.Generate()).ShouldBe(WebhookVerificationResult.SignatureMismatch);
    }

    [Fact]
    public async Task AReceiverSlowerThanTenSecondsTimesOut()
    {
        DestinationPolicy.RequestTimeout.ShouldBe(TimeSpan.FromSeconds(10));
        using var client = Policies.PrivateAllowed().CreateClient();
        var stopwatch = Stopwatch.StartNew();

        // Caught by hand: Should.ThrowAsync sees only that the task was cancelled, not the exception HttpClient threw.
        Exception? thrown = null;
        try
        {
            using var response = await client.PostAsync(_receiver.Url("/slow"), Json("{}"));
        }
        catch (TaskCanceledException ex)
        {
            thrown = ex;
        }

        stopwatch.Elapsed.ShouldBeInRange(TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));
        thrown.ShouldNotBeNull().InnerException.ShouldBeOfType<TimeoutException>();
    }

    private static ByteArrayContent Json(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
