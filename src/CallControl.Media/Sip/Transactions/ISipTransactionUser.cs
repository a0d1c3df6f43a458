using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// The transaction user (the dialog layer or user agent core): what arrives that is not a response to one
/// of its own client transactions.
/// </summary>
/// <remarks>
/// Calls come on the thread that read the message or ran the timer, never under a lock of the transaction
/// layer, so they may call back into it (respond, send). They must be short and must not block: the same
/// threads carry every other call. Calls about one server transaction come one after another, in order.
/// </remarks>
public interface ISipTransactionUser
{
    /// <summary>
    /// A new request (not ACK, not CANCEL) with its server transaction. Answer it with
    /// <see cref="SipServerTransaction.Respond"/>, now or later: an INVITE left without any response when this
    /// returns is answered 100 Trying, and a request whose handler throws is answered 500.
    /// </summary>
    void OnRequest(SipServerTransaction transaction, SipRequest request);

    /// <summary>An ACK that matches no server transaction: the ACK for a 2xx, which belongs to a dialog.</summary>
    void OnAck(SipRequest ack, SipEndPoint source);

    /// <summary>
    /// A response that matches no client transaction but carries our sent-by: typically a 2xx to an INVITE
    /// retransmitted after its transaction ended, which the dialog layer acknowledges again.
    /// </summary>
    void OnStrayResponse(SipResponse response, SipEndPoint source);

    /// <summary>
    /// A CANCEL matched an INVITE that had no final response yet. The CANCEL has been answered 200 and the
    /// INVITE 487 Request Terminated; the user tears down whatever it had started for the INVITE.
    /// </summary>
    void OnCancelled(SipServerTransaction invite, SipRequest cancel);

    /// <summary>
    /// A server transaction failed: no ACK came for a non-2xx final response to an INVITE (timer H), or a
    /// response could not be sent.
    /// </summary>
    void OnServerTransactionFailed(SipServerTransaction transaction, SipTransactionFailure failure);
}
