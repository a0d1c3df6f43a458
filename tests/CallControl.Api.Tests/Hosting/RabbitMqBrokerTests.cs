using System.Text;
using System.Threading.Channels;
using CallControl.Media.Hosting.Messaging;
using CallControl.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace CallControl.Api.Tests.Hosting;

public sealed class RabbitMqBrokerTests : IClassFixture<RabbitMqBroker>
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(60);
    private readonly RabbitMqBroker _broker;

    public RabbitMqBrokerTests(RabbitMqBroker broker) => _broker = broker;

    [Fact]
    public async Task AMessageRoundTripsThroughTheBrokerBeforeAndAfterItRestarts()
    {
        var received = Channel.CreateUnbounded<BrokerPing>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_broker.Settings).Build();
        var options = configuration.GetMessagingOptions();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(received.Writer)
            .AddMassTransit(bus =>
            {
                bus.AddConsumer<BrokerPingConsumer>();
                bus.UsingCallControlTransport(options, (context, transport) =>
                    transport.ReceiveEndpoint("cc-test-broker-ping", endpoint => endpoint.ConfigureConsumer<BrokerPingConsumer>(context)));
            });
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync(new CancellationTokenSource(ReconnectTimeout).Token);
        try
        {
            options.Transport.ShouldBe(MessagingTransport.RabbitMq);
            var before = new BrokerPing(Guid.NewGuid());
            await bus.Publish(before);
            (await ReceiveAsync(received.Reader, before)).ShouldBeEmpty();

            await _broker.RestartAsync();
            (await bus.WaitForHealthStatus(BusHealthStatus.Healthy, ReconnectTimeout)).ShouldBe(BusHealthStatus.Healthy, _broker.Log);
            var after = new BrokerPing(Guid.NewGuid());
            await bus.Publish(after);

            // Delivery is at least once: a stop can come between the consumer's work and the broker getting its
            // ack, and then the first message comes again after the restart. Nothing else may arrive.
            (await ReceiveAsync(received.Reader, after)).ShouldAllBe(other => other == before);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task APersistentMessageInADurableQueueSurvivesARestart()
    {
        var queue = $"cc-test-durable-{Guid.NewGuid():N}";
        var body = Encoding.UTF8.GetBytes("kept across the restart");
        var factory = new ConnectionFactory
        {
            HostName = _broker.Host,
            Port = _broker.Port,
            VirtualHost = _broker.VirtualHost,
            UserName = _broker.Username,
            Password = _broker.Password,
        };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, new BasicProperties { Persistent = true }, body);
        }

        await _broker.RestartAsync();

        await using var reconnected = await factory.CreateConnectionAsync();
        await using var consumer = await reconnected.CreateChannelAsync();
        var message = await consumer.BasicGetAsync(queue, autoAck: true);
        message.ShouldNotBeNull(_broker.Log);
        message.Body.ToArray().ShouldBe(body);
    }

    /// <summary>Reads until <paramref name="expected"/> arrives; returns the other messages read before it.</summary>
    private static async Task<List<BrokerPing>> ReceiveAsync(ChannelReader<BrokerPing> reader, BrokerPing expected)
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        var others = new List<BrokerPing>();
        while (await reader.ReadAsync(timeout.Token) is var message && message != expected)
        {
            others.Add(message);
        }

        return others;
    }
}

public sealed record BrokerPing(Guid Id);

public sealed class BrokerPingConsumer(ChannelWriter<BrokerPing> received) : IConsumer<BrokerPing>
{
    public async Task Consume(ConsumeContext<BrokerPing> context) => await received.WriteAsync(context.Message);
}
