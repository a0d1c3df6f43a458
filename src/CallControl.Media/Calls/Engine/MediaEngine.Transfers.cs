using CallControl.Domain.Conversations;

namespace CallControl.Media.Calls.Engine;

/// <summary>
/// Transfers are done here, B2BUA-style: the far ends never see a REFER from us. A new leg is placed to the
/// target; when it answers it is bridged in place of the leaving leg, which is then hung up.
/// </summary>
public sealed partial class MediaEngine
{
    private void StartTransfer(TransferKind kind, EngineLeg from, string newLegId, string target)
    {
        var command = kind == TransferKind.Consult ? MediaCommand.Consult : MediaCommand.Transfer;
        if (from.Transferring is not null)
        {
            Fail(from, command, "A transfer of this leg is already under way.");
            return;
        }

        if (from.Peer is not { } party)
        {
            Fail(from, command, "The leg is not bridged to anyone to transfer.");
            return;
        }

        var transfer = new Transfer(kind, from, party);
        if (DoPlace(newLegId, target, default, transfer) is not { } placed)
        {
            if (kind == TransferKind.Refer)
            {
                from.Call.ReportReferProgress(503);
            }

            Raise(new MediaEvent.TransferFailed(from.Id, newLegId, null, $"The target '{target}' could not be called."));
            return;
        }

        transfer.Target = placed;
        from.Transferring = transfer;
        if (kind == TransferKind.Consult)
        {
            // The customer waits with music while the agent and the target talk.
            DoUnbridge(from);
            DoHold(party, HoldAudio.Music);
        }
    }

    private void OnReferReceived(EngineLeg from, string target)
    {
        var newLegId = NewLegId("xfer");
        Raise(new MediaEvent.TransferRequested(from.Id, target, newLegId));
        if (from.Transferring is not null || from.Peer is null)
        {
            from.Call.ReportReferProgress(603);
            Raise(new MediaEvent.TransferFailed(from.Id, newLegId, 603, from.Peer is null ? "Nobody is bridged to the leg to transfer." : "A transfer of this leg is already under way."));
            return;
        }

        from.Call.ReportReferProgress(100);
        StartTransfer(TransferKind.Refer, from, newLegId, target);
    }

    private void OnTransferTargetAnswered(Transfer transfer)
    {
        var from = transfer.From;
        var target = transfer.Target;
        if (transfer.Kind == TransferKind.Consult)
        {
            if (!from.Ended)
            {
                DoBridge(from, target);
            }

            return;
        }

        from.Transferring = null;
        target.PlacedFor = null;
        if (transfer.Party is { Ended: false } party)
        {
            DoBridge(party, target);
        }

        Raise(new MediaEvent.TransferCompleted(from.Id, target.Id));
        if (from.Ended)
        {
            return;
        }

        from.EndReason = DisconnectReason.Transfer;
        if (transfer.Kind == TransferKind.Refer)
        {
            // The referrer hears that it worked and normally hangs up itself; if it does not, we do.
            from.Call.ReportReferProgress(200);
            _ = Task.Delay(_options.ReferrerHangupGrace).ContinueWith(_ => Post(() => EndLeg(from, DisconnectReason.Transfer)), TaskScheduler.Default);
        }
        else
        {
            EndLeg(from, DisconnectReason.Transfer);
        }
    }

    private void DoCompleteConsult(EngineLeg from)
    {
        if (from.Transferring is not { Kind: TransferKind.Consult } transfer)
        {
            Fail(from, MediaCommand.CompleteConsult, "The leg is not consulting anyone.");
            return;
        }

        if (!transfer.Target.Answered || transfer.Party is not { Ended: false } party)
        {
            Fail(from, MediaCommand.CompleteConsult, transfer.Target.Answered ? "The held party has gone." : "The consulted party has not answered.");
            return;
        }

        from.Transferring = null;
        transfer.Target.PlacedFor = null;
        DoResume(party);
        DoBridge(party, transfer.Target);
        Raise(new MediaEvent.TransferCompleted(from.Id, transfer.Target.Id));
        EndLeg(from, DisconnectReason.Transfer);
    }

    private void DoCancelConsult(EngineLeg from)
    {
        if (from.Transferring is not { Kind: TransferKind.Consult } transfer)
        {
            Fail(from, MediaCommand.CancelConsult, "The leg is not consulting anyone.");
            return;
        }

        from.Transferring = null;
        transfer.Target.PlacedFor = null;
        EndLeg(transfer.Target, DisconnectReason.Cancel);
        Reunite(from, transfer.Party);
        Raise(new MediaEvent.TransferFailed(from.Id, transfer.Target.Id, null, "The consultation was cancelled."));
    }

    /// <summary>After a consultation ends without a transfer, the agent and the customer talk again.</summary>
    private void Reunite(EngineLeg from, EngineLeg? party)
    {
        if (party is not { Ended: false })
        {
            return;
        }

        DoResume(party);
        if (!from.Ended)
        {
            DoBridge(from, party);
        }
    }

    /// <summary>A leg ended: any transfer it was part of fails or loses a party.</summary>
    private void OnLegGoneFromTransfers(EngineLeg leg, int statusCode)
    {
        if (leg.PlacedFor is { } placedFor && placedFor.From.Transferring == placedFor)
        {
            // The target never answered, or (consultation) hung up before it was completed.
            var from = placedFor.From;
            from.Transferring = null;
            if (placedFor.Kind == TransferKind.Refer && !from.Ended)
            {
                from.Call.ReportReferProgress(statusCode >= 300 ? statusCode : 487);
            }

            if (placedFor.Kind == TransferKind.Consult)
            {
                Reunite(from, placedFor.Party);
            }

            Raise(new MediaEvent.TransferFailed(from.Id, leg.Id, statusCode, leg.Answered ? "The consulted party hung up." : "The target did not answer."));
        }

        foreach (var other in _legs.Values)
        {
            if (other.Transferring is { } transfer && ReferenceEquals(transfer.Party, leg))
            {
                // The customer left while the target was being called: there is nobody to transfer any more.
                transfer.Party = null;
                if (!transfer.Target.Answered || transfer.Kind != TransferKind.Consult)
                {
                    other.Transferring = null;
                    transfer.Target.PlacedFor = null;
                    EndLeg(transfer.Target, DisconnectReason.Cancel);
                    Raise(new MediaEvent.TransferFailed(other.Id, transfer.Target.Id, null, "The party to transfer hung up."));
                }
            }
        }
    }
}
