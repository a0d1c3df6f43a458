namespace CallControl.Media.Sip.Transactions;

/// <summary>The states of the RFC 3261 section 17 machines, with the Accepted state of RFC 6026.</summary>
public enum SipTransactionState
{
    /// <summary>Client INVITE: the request is out and nothing has come back yet.</summary>
    Calling,

    /// <summary>Non-INVITE, client or server: no response yet.</summary>
    Trying,

    /// <summary>A provisional response was received (client) or the request is being worked on (server).</summary>
    Proceeding,

    /// <summary>A final response was received or sent; retransmissions are absorbed or repeated for a while.</summary>
    Completed,

    /// <summary>INVITE only (RFC 6026): a 2xx went by; the dialog layer owns its retransmission and the ACK.</summary>
    Accepted,

    /// <summary>Server INVITE: the ACK for a non-2xx final response arrived.</summary>
    Confirmed,

    /// <summary>The transaction is over and no longer matches anything.</summary>
    Terminated,
}
