using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// Who sent a request through <see cref="SipTransactionLayer.SendRequest"/>: it hears the outcome.
/// </summary>
/// <remarks>
/// Calls about one transaction come one after another, in order, never under a lock of the transaction
/// layer; they may run before <see cref="SipTransactionLayer.SendRequest"/> returns (a send that fails at
/// once). They must be short and must not block.
/// </remarks>
public interface ISipClientTransactionUser
{
    /// <summary>
    /// A response passed up: each provisional response, the final response, and for an INVITE every 2xx
    /// (retransmissions and forks included) until timer M ends the transaction. The ACK for a 2xx is the
    /// user's to send (<see cref="SipTransactionLayer.SendAckAsync"/>); the ACK for a non-2xx is sent here.
    /// </summary>
    void OnResponse(SipClientTransaction transaction, SipResponse response);

    /// <summary>
    /// No final response came in time (timer B or F: treat as 408 Request Timeout) or the request could not
    /// be sent. Nothing more is reported for the transaction.
    /// </summary>
    void OnFailed(SipClientTransaction transaction, SipTransactionFailure failure);
}
