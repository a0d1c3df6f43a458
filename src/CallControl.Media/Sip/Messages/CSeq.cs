using System.Globalization;

namespace CallControl.Media.Sip.Messages;

/// <summary>The CSeq header value: a sequence number and the method of the request it belongs to.</summary>
public readonly record struct CSeq(uint Number, SipMethod Method)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Number} {Method.Name}");
}
