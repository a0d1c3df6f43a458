namespace CallControl.Media.Sip.Transactions;

/// <summary>Why a transaction ended without its normal outcome.</summary>
public enum SipTransactionFailure
{
    /// <summary>
    /// No final response in time (timer B or F) on the client side, which the user treats as a 408 Request
    /// Timeout; or no ACK for a non-2xx final response (timer H) on the server side.
    /// </summary>
    Timeout,

    /// <summary>The transport could not send a message of the transaction (RFC 3261 section 17.1.4 and 17.2.4).</summary>
    TransportError,
}
