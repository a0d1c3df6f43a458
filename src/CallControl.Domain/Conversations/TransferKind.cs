using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

[JsonConverter(typeof(WireEnumConverter<TransferKind>))]
public enum TransferKind
{
    Blind,
    Consult,
}
