namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// Who owes which session description in which message of one INVITE transaction (RFC 3261 13.2.1,
/// RFC 3264). An INVITE with a body is an offer answered in the 2xx; an INVITE without one (delayed
/// offer) gets the offer in the 2xx and the answer in the ACK. Only the bookkeeping lives here: the
/// bodies themselves come from and go to the SDP negotiator.
/// </summary>
public readonly record struct InviteOfferAnswer(OfferAnswerStep Step)
{
    /// <summary>True when the exchange needs nothing more.</summary>
    public bool IsComplete => Step == OfferAnswerStep.Complete;

    /// <summary>The exchange for an INVITE we received, with or without a session description.</summary>
    public static InviteOfferAnswer ForReceivedInvite(bool hasBody) =>
        new(hasBody ? OfferAnswerStep.LocalAnswerInResponse : OfferAnswerStep.LocalOfferInResponse);

    /// <summary>The exchange for an INVITE we sent, with or without a session description.</summary>
    public static InviteOfferAnswer ForSentInvite(bool hasBody) =>
        new(hasBody ? OfferAnswerStep.RemoteAnswerInResponse : OfferAnswerStep.RemoteOfferInResponse);

    /// <summary>After we sent a 2xx (with or without a body) to the INVITE.</summary>
    public InviteOfferAnswer SuccessSent(bool hasBody) => Step switch
    {
        OfferAnswerStep.LocalAnswerInResponse => new(hasBody ? OfferAnswerStep.Complete : OfferAnswerStep.Failed),
        OfferAnswerStep.LocalOfferInResponse => new(hasBody ? OfferAnswerStep.RemoteAnswerInAck : OfferAnswerStep.Failed),
        _ => this,
    };

    /// <summary>After the peer's ACK for our 2xx arrived.</summary>
    public InviteOfferAnswer AckReceived(bool hasBody) => Step switch
    {
        OfferAnswerStep.RemoteAnswerInAck => new(hasBody ? OfferAnswerStep.Complete : OfferAnswerStep.Failed),
        _ => this,
    };

    /// <summary>After a 2xx to our INVITE arrived.</summary>
    public InviteOfferAnswer SuccessReceived(bool hasBody) => Step switch
    {
        OfferAnswerStep.RemoteAnswerInResponse => new(hasBody ? OfferAnswerStep.Complete : OfferAnswerStep.Failed),
        OfferAnswerStep.RemoteOfferInResponse => new(hasBody ? OfferAnswerStep.LocalAnswerInAck : OfferAnswerStep.Failed),
        _ => this,
    };

    /// <summary>After we sent the ACK for the 2xx.</summary>
    public InviteOfferAnswer AckSent(bool hasBody) => Step switch
    {
        OfferAnswerStep.LocalAnswerInAck => new(hasBody ? OfferAnswerStep.Complete : OfferAnswerStep.Failed),
        _ => this,
    };
}

/// <summary>The next session description an INVITE transaction needs, and who sends it where.</summary>
public enum OfferAnswerStep
{
    /// <summary>Offer and answer have both been exchanged.</summary>
    Complete,

    /// <summary>The peer's INVITE carried an offer: our 2xx must carry the answer.</summary>
    LocalAnswerInResponse,

    /// <summary>The peer's INVITE had no body: our 2xx must carry an offer.</summary>
    LocalOfferInResponse,

    /// <summary>Our 2xx carried the offer: the peer's ACK must carry the answer.</summary>
    RemoteAnswerInAck,

    /// <summary>Our INVITE carried an offer: the peer's 2xx must carry the answer.</summary>
    RemoteAnswerInResponse,

    /// <summary>Our INVITE had no body: the peer's 2xx must carry an offer.</summary>
    RemoteOfferInResponse,

    /// <summary>The peer's 2xx carried the offer: our ACK must carry the answer.</summary>
    LocalAnswerInAck,

    /// <summary>
    /// A message that owed a description came without one. The session cannot be set up: when an ACK
    /// lacked the answer the receiving side ends it with BYE.
    /// </summary>
    Failed,
}
