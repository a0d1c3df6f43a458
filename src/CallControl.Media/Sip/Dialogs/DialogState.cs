namespace CallControl.Media.Sip.Dialogs;

/// <summary>The life of a dialog (RFC 3261 section 12).</summary>
public enum DialogState
{
    /// <summary>Created by a provisional response with a To tag; the INVITE has no final response yet.</summary>
    Early,

    /// <summary>A 2xx to the INVITE was sent or received.</summary>
    Confirmed,

    /// <summary>Ended by BYE, a failure to the INVITE, or a 481/408 to a request within it.</summary>
    Terminated,
}
