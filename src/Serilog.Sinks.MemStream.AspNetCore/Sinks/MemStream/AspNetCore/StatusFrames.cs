using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// The sink's status as JSON, for the <c>status</c> endpoint and as the live tail's <c>status</c> frames, so that
/// a page kept open learns it over its WebSocket instead of polling (and logging) HTTP requests. A frame is
/// <c>{"type":"status","sink":…,"status":{…},"fleet":{…}}</c>: <c>fleet</c> only in an app with a fleet, holding its
/// live <c>instances</c>, or <c>unavailable</c> with the reason while its Redis cannot be reached (a status frame never ends a tail).
/// </summary>
internal sealed class StatusFrames(string? sinkName, IMemStreamFleet? fleet)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The <c>status</c> endpoint's answer: <c>{"sink":…,"status":{…}}</c>.</summary>
    public static string Answer(string? sinkName) =>
        JsonSerializer.Serialize(new { sink = sinkName, status = MemStream.Named(sinkName).Status() }, Json);

    /// <summary>One status frame, as of now.</summary>
    public async Task<ReadOnlyMemory<byte>> NextAsync(CancellationToken cancellationToken)
    {
        var fleetAnswer = fleet is null ? null : await FleetAsync(fleet, cancellationToken);
        var frame = new ArrayBufferWriter<byte>();
        await using (var json = new Utf8JsonWriter(frame))
        {
            json.WriteStartObject();
            json.WriteString(TailProtocol.Type, TailProtocol.StatusFrame);
            json.WriteString(TailProtocol.Sink, sinkName);
            json.WritePropertyName(TailProtocol.Status);
            JsonSerializer.Serialize(json, MemStream.Named(sinkName).Status(), Json);
            if (fleetAnswer is not null)
            {
                json.WritePropertyName(TailProtocol.Fleet);
                json.WriteRawValue(fleetAnswer.WrittenSpan, skipInputValidation: true);
            }
            json.WriteEndObject();
        }
        return frame.WrittenMemory;
    }

    static async Task<ArrayBufferWriter<byte>> FleetAsync(IMemStreamFleet fleet, CancellationToken cancellationToken)
    {
        var answer = new ArrayBufferWriter<byte>();
        try
        {
            await using var json = new Utf8JsonWriter(answer);
            await fleet.WriteInstancesAsync(json, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            answer.ResetWrittenCount();
            await using var json = new Utf8JsonWriter(answer);
            json.WriteStartObject();
            json.WriteString("unavailable", ex.Message);
            json.WriteEndObject();
        }
        return answer;
    }
}
