namespace CallControl.Media.Sip.Dialogs;

/// <summary>Which side of the dialog-creating INVITE this user agent was.</summary>
public enum DialogRole
{
    /// <summary>We sent the INVITE, so we also chose the Call-ID.</summary>
    Uac,

    /// <summary>We received the INVITE.</summary>
    Uas,
}
