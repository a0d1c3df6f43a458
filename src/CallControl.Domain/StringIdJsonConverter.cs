using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallControl.Domain;

/// <summary>Ids travel as bare JSON strings (values and dictionary keys), never as <c>{"value": …}</c> objects.</summary>
public abstract class StringIdJsonConverter<TId> : JsonConverter<TId>
    where TId : struct
{
    protected abstract TId Wrap(string value);

    protected abstract string Unwrap(TId id);

    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Wrap(reader.GetString() ?? throw new JsonException($"{typeof(TId).Name} must be a string."));

    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Unwrap(value));
    }

    public override TId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Read(ref reader, typeToConvert, options);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(Unwrap(value));
    }
}
