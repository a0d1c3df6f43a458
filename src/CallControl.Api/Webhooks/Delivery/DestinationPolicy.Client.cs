using System.Net;
using System.Net.Sockets;

namespace CallControl.Api.Webhooks.Delivery;

public sealed partial class DestinationPolicy
{
    /// <summary>Longest wait for a TCP connection to the receiver, per request.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whole-request limit, connect to last response byte buffered: the contract counts a 2xx within 10 s as
    /// success, so anything slower is a failed attempt to retry.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a pooled connection is reused, so a receiver's DNS change takes effect (and is re-checked).</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Largest response body buffered, in bytes; receivers only need to answer with a status.</summary>
    public const int MaxResponseBufferBytes = 64 * 1024;

    /// <summary>Largest response header block, in kilobytes (the unit SocketsHttpHandler takes).</summary>
    public const int MaxResponseHeadersKilobytes = 16;

    /// <summary>
    /// An HttpClient that only reaches destinations this policy allows: it never follows redirects (a 3xx is
    /// the attempt's result), ignores proxies (the checked address must be the one dialled), keeps no cookies,
    /// and checks every address it connects to. A refusal throws <see cref="DestinationRefusedException"/>.
    /// Create one per worker and reuse it; each client owns its own connection pool.
    /// </summary>
    /// <remarks>
    /// Send with <see cref="HttpCompletionOption.ResponseHeadersRead"/> when the body does not matter: buffered
    /// reads fail on bodies over <see cref="MaxResponseBufferBytes"/>.
    /// </remarks>
    public HttpClient CreateClient()
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = ConnectTimeout,
            PooledConnectionLifetime = PooledConnectionLifetime,
            MaxResponseHeadersLength = MaxResponseHeadersKilobytes,
            ConnectCallback = ConnectAsync,
        };

        return new HttpClient(new RefusalHandler(sockets), disposeHandler: true)
        {
            Timeout = RequestTimeout,
            MaxResponseContentBufferSize = MaxResponseBufferBytes,
        };
    }

    /// <summary>
    /// Resolves the host itself and checks every address before dialling any, so the address connected to is one
    /// the policy has just approved, whatever the host resolved to when the webhook was registered.
    /// </summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = Unbracket(context.DnsEndPoint.Host);
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (!_allowlist.ContainsHost(host))
        {
            foreach (var address in addresses)
            {
                var refusal = Refusal(host, address);
                if (refusal is not null)
                {
                    throw new DestinationRefusedException(refusal, host, address);
                }
            }
        }

        SocketException? lastFailure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                // A name with several addresses (::1 and 127.0.0.1, say) may listen on only one of them.
                socket.Dispose();
                lastFailure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw lastFailure!;
    }

    /// <summary>
    /// Refuses request URLs the policy would not register, and lifts a refusal out of the
    /// <see cref="HttpRequestException"/> SocketsHttpHandler wraps connect failures in, so callers can catch it by type.
    /// </summary>
    private sealed class RefusalHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            CheckRequestUri(request);
            try
            {
                return base.Send(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.InnerException is DestinationRefusedException refused)
            {
                throw refused;
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            CheckRequestUri(request);
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.InnerException is DestinationRefusedException refused)
            {
                throw refused;
            }
        }

        private static void CheckRequestUri(HttpRequestMessage request)
        {
            ArgumentNullException.ThrowIfNull(request);
            var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
            var (ok, error) = ValidateUri(uri);
            if (!ok)
            {
                throw new DestinationRefusedException(error!, uri.IsAbsoluteUri ? uri.Host : uri.OriginalString, address: null);
            }
        }
    }
}
