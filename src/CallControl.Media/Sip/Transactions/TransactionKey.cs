using System.Globalization;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// What identifies a transaction in its table: for a client transaction the branch we wrote; for a server
/// transaction the branch and sent-by of the top Via (RFC 3261 section 17.2.3), or, for a request whose
/// branch lacks the magic cookie (RFC 2543), the Request-URI, From tag, Call-ID, CSeq number and whole top
/// Via. The method is INVITE for an ACK, so the ACK finds its INVITE; a CANCEL keeps its own.
/// </summary>
internal readonly record struct TransactionKey(string Id, SipMethod Method, bool IsLegacy)
{
    public static TransactionKey ForClient(string branch, SipMethod method) => new(branch, method, false);

    /// <summary>The key of the server transaction <paramref name="request"/> belongs to, looked up as <paramref name="method"/>.</summary>
    public static TransactionKey? ForServer(SipRequest request, SipMethod method)
    {
        if (request.TopVia is not { } via)
        {
            return null;
        }

        if (via.HasRfc3261Branch)
        {
            var port = via.Port ?? (string.Equals(via.Transport, "TLS", StringComparison.OrdinalIgnoreCase) ? 5061 : 5060);
            var sentBy = string.Create(CultureInfo.InvariantCulture, $"{via.Branch}\n{via.Host.ToUpperInvariant()}:{port}");
            return new TransactionKey(sentBy, method, false);
        }

        if (request.CSeq is not { } cseq)
        {
            return null;
        }

        var legacy = string.Create(
            CultureInfo.InvariantCulture,
            $"{request.RequestUri}\n{request.From?.Tag}\n{request.CallId}\n{cseq.Number}\n{via}");
        return new TransactionKey(legacy, method, true);
    }
}

/// <summary>
/// What makes two requests without a To tag the same request arriving by two paths (RFC 3261 section 8.2.2.2):
/// From tag, Call-ID and CSeq.
/// </summary>
internal readonly record struct OriginKey(string FromTag, string CallId, CSeq CSeq)
{
    public static OriginKey? For(SipRequest request) =>
        request.To is { Tag: null } && request.CallId is { } callId && request.CSeq is { } cseq
            ? new OriginKey(request.From?.Tag ?? string.Empty, callId, cseq)
            : null;
}
