using System.ComponentModel.DataAnnotations;

namespace CallControl.Media.Hosting.Messaging;

public enum MessagingTransport
{
    /// <summary>One process: the API hosts the media worker and they share an in-memory bus.</summary>
    InMemory,

    /// <summary>Separate processes (compose, scale-out) on a RabbitMQ broker.</summary>
    RabbitMq,
}

/// <summary>The <c>Messaging</c> section, read by the API and the standalone worker alike.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    public MessagingTransport Transport { get; set; } = MessagingTransport.InMemory;

    public RabbitMqOptions RabbitMq { get; set; } = new();
}

public sealed class RabbitMqOptions
{
    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "guest";

    [Required]
    public string Password { get; set; } = "guest";

    /// <summary>AMQP heartbeat: how soon a dead broker connection is noticed (and the bus reconnects).</summary>
    [Range(1, 600)]
    public int HeartbeatSeconds { get; set; } = 5;
}
