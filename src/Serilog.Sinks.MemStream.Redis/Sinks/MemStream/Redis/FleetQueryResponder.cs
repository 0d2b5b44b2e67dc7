using System.Buffers;
using System.Text.Json;
using Serilog.Debugging;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Answers the fleet's queries from this instance's own store: each request on the queries channel gets,
/// on its reply channel, <c>{"instance", "truncated", "events": [...]}</c>, the events written as the query
/// endpoint writes them, each with <c>instance</c>. StackExchange.Redis subscribes again by itself after a
/// reconnection.
/// </summary>
internal sealed class FleetQueryResponder(IConnectionMultiplexer redis, MemStreamFleetOptions options, FleetKeys keys)
{
    public Task StartAsync() =>
        redis.GetSubscriber().SubscribeAsync(keys.Queries, (channel, message) =>
        {
            // Off Redis's own thread: a query reads the disk.
            if (FleetQueryRequest.TryRead((byte[])message!) is { } request)
                _ = Task.Run(() => AnswerAsync(request));
        });

    public Task StopAsync() => redis.GetSubscriber().UnsubscribeAsync(keys.Queries);

    async Task AnswerAsync(FleetQueryRequest request)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(keys.Reply(request.Request), Answer(request));
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("MemStream: answering a fleet query failed: {0}", ex.Message);
        }
    }

    byte[] Answer(FleetQueryRequest request)
    {
        var instance = MemStream.Named(options.SinkName);
        // One more than asked says whether there were more.
        var found = instance.QueryPage(request.Id, request.MinLevel, after: 0, limit: request.Limit + 1);
        var frames = new EventFrames(instance.CorrelationIdProperty);
        var body = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("instance", options.InstanceId);
            json.WriteBoolean("truncated", found.Count > request.Limit);
            json.WriteStartArray("events");
            foreach (var stored in found.Take(request.Limit))
            {
                json.WriteStartObject();
                json.WriteString("instance", options.InstanceId);
                frames.WriteEventFields(json, stored.Sequence, stored.LogEvent, clef: true);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return body.WrittenSpan.ToArray();
    }
}
