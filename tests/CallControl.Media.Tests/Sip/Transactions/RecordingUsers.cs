using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Tests.Sip.Transactions;

/// <summary>A transaction user that records what it is told and answers requests as a test asks.</summary>
internal sealed class RecordingServerUser : ISipTransactionUser
{
    public List<(SipServerTransaction Transaction, SipRequest Request)> Requests { get; } = [];

    public List<SipRequest> Acks { get; } = [];

    public List<SipResponse> StrayResponses { get; } = [];

    public List<(SipServerTransaction Invite, SipRequest Cancel)> Cancels { get; } = [];

    public List<(SipServerTransaction Transaction, SipTransactionFailure Failure)> Failures { get; } = [];

    /// <summary>Runs inside <see cref="OnRequest"/>; by default the request is left unanswered.</summary>
    public Action<SipServerTransaction, SipRequest>? Answer { get; set; }

    public SipServerTransaction LastTransaction => Requests[^1].Transaction;

    public void OnRequest(SipServerTransaction transaction, SipRequest request)
    {
        Requests.Add((transaction, request));
        Answer?.Invoke(transaction, request);
    }

    public void OnAck(SipRequest ack, SipEndPoint source) => Acks.Add(ack);

    public void OnStrayResponse(SipResponse response, SipEndPoint source) => StrayResponses.Add(response);

    public void OnCancelled(SipServerTransaction invite, SipRequest cancel) => Cancels.Add((invite, cancel));

    public void OnServerTransactionFailed(SipServerTransaction transaction, SipTransactionFailure failure) =>
        Failures.Add((transaction, failure));
}

/// <summary>A client transaction user that records the responses and failures it hears of, with the virtual time.</summary>
internal sealed class RecordingClientUser(Func<TimeSpan> now) : ISipClientTransactionUser
{
    public List<(TimeSpan At, SipResponse Response)> Responses { get; } = [];

    public List<(TimeSpan At, SipTransactionFailure Failure)> Failures { get; } = [];

    public IEnumerable<int> StatusCodes => Responses.Select(r => r.Response.StatusCode);

    public void OnResponse(SipClientTransaction transaction, SipResponse response) => Responses.Add((now(), response));

    public void OnFailed(SipClientTransaction transaction, SipTransactionFailure failure) => Failures.Add((now(), failure));
}
