using System.Security.Cryptography;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Transactions;

/// <summary>Fresh Via branches and To/From tags, random enough to be unique across space and time.</summary>
public static class SipIdentifiers
{
    /// <summary>A new RFC 3261 branch: the magic cookie and 64 random bits.</summary>
    public static string NewBranch() => Via.MagicCookie + RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>A new tag of 48 random bits.</summary>
    public static string NewTag() => RandomNumberGenerator.GetHexString(12, lowercase: true);
}
