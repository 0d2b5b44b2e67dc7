using Serilog.Debugging;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Answers the fleet's queries from this instance's own store: each request on the queries channel gets,
/// on its reply channel, <c>{"instance", "truncated", "events": [...]}</c>, the events written as the query
/// endpoint writes them, each with <c>instance</c>. StackExchange.Redis subscribes again by itself after a
/// reconnection. At most <see cref="MaxAnswering"/> answers are made at once (more are left unanswered,
/// and the asker reports this instance missing), and an answer stops at about <see cref="MaxAnswerBytes"/>
/// (marked truncated): Redis closes a subscriber whose pending messages pass 32 MB. Anyone who can publish
/// on the queries channel can ask, so at most <see cref="MaxRequestsPerSecond"/> requests a second are
/// answered; the rest, and anything that does not read as a request, are skipped and counted.
/// </summary>
internal sealed class FleetQueryResponder(IConnectionMultiplexer redis, MemStreamFleetOptions options, FleetKeys keys, FleetCounters counters)
{
    const int MaxAnswering = 4;
    /// <summary>The most query requests an instance answers in a second (a fleet's page asks one per history opened).</summary>
    public const int MaxRequestsPerSecond = 20;
    public const int MaxAnswerBytes = FleetInstanceAnswer.MaxBytes;
    readonly SemaphoreSlim _answering = new(MaxAnswering);
    readonly object _rateLock = new();
    long _rateSecond;
    int _rateCount;

    public Task StartAsync() =>
        redis.GetSubscriber().SubscribeAsync(keys.Queries, (channel, message) =>
        {
            if (FleetQueryRequest.TryRead((byte[])message!) is not { } request || !WithinRate() || !_answering.Wait(0))
            {
                counters.AddRejected("request", 1);
                return;
            }
            // Off Redis's own thread: a query reads the disk.
            _ = Task.Run(async () =>
            {
                try
                {
                    await AnswerAsync(request);
                }
                finally
                {
                    _answering.Release();
                }
            });
        });

    /// <summary>Whether one more request fits this second's allowance.</summary>
    bool WithinRate()
    {
        var second = Environment.TickCount64 / 1000;
        lock (_rateLock)
        {
            if (second != _rateSecond)
                (_rateSecond, _rateCount) = (second, 0);
            return ++_rateCount <= MaxRequestsPerSecond;
        }
    }

    public Task StopAsync() => redis.GetSubscriber().UnsubscribeAsync(keys.Queries);

    async Task AnswerAsync(FleetQueryRequest request)
    {
        // A query the endpoints would have refused (a filter that does not compile): only a forged request has one.
        if (!request.Query.IsValid(out _))
        {
            counters.AddRejected("request", 1);
            return;
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(keys.Reply(request.Request), Answer(request));
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("MemStream: answering a fleet query failed: {0}", ex.Message);
        }
    }

    ReadOnlyMemory<byte> Answer(FleetQueryRequest request) =>
        FleetInstanceAnswer.Write(request.Query, options.InstanceId!, options.SinkName);
}
