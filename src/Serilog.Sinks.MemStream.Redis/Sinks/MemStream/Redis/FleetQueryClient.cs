using System.Collections.Concurrent;
using System.Text.Json;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Asks the fleet: publishes the query, collects the answers on its own reply channel until every live
/// instance has answered or the query timeout passes, and merges the events by timestamp (<see cref="FleetInstanceAnswer.Merge"/>). An instance
/// that does not answer in time is reported missing, never waited for longer. At most <see cref="MaxAsking"/>
/// queries are under way at once: each may hold every instance's answer (up to about 4 MiB each) for the
/// query timeout, so a flood of requests is refused (503) rather than let grow the app's memory.
/// Anyone who can subscribe to the queries channel learns the reply channel, so an answer counts only when
/// it reads as an instance's answer (every event with its instance, sequence number, time and level), comes
/// from an instance that is live and is the first valid one from it; the others are skipped and counted.
/// </summary>
internal sealed class FleetQueryClient(IConnectionMultiplexer redis, MemStreamFleetOptions options, FleetKeys keys, FleetCounters counters)
{
    public const int MaxAsking = 4;
    /// <summary>The most answers one query holds, in bytes: the live set is anyone's to write, and a thousand forged instances at 4 MiB each would otherwise all be held.</summary>
    const long MaxAnswersBytes = 8L * FleetQueryResponder.MaxAnswerBytes;
    readonly SemaphoreSlim _asking = new(MaxAsking);

    public async Task<FleetQueryAnswer> QueryAsync(FleetQuery query, CancellationToken cancellationToken)
    {
        FleetUnavailable.ThrowIfDisconnected(redis);
        if (!_asking.Wait(0))
            throw new FleetUnavailableException($"MemStream: this instance already has {MaxAsking} fleet queries under way (each waits up to {options.QueryTimeout.TotalSeconds:0.###} s for the fleet's answers); try again in a moment.");
        try
        {
            return await AskAsync(query, cancellationToken);
        }
        finally
        {
            _asking.Release();
        }
    }

    async Task<FleetQueryAnswer> AskAsync(FleetQuery query, CancellationToken cancellationToken)
    {
        var request = new FleetQueryRequest(Guid.NewGuid().ToString("N"), query.Query);
        var answers = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        var subscriber = redis.GetSubscriber();
        var reply = keys.Reply(request.Request);
        try
        {
            // This instance answers too, even when its heartbeat is not (yet, or after a Redis restart) in the set.
            var live = (await FleetHeartbeat.LiveAsync(redis.GetDatabase(), keys, options)).Select(i => i.Instance).Append(options.InstanceId!).ToHashSet(StringComparer.Ordinal);
            var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var held = 0L;
            await subscriber.SubscribeAsync(reply, (_, message) =>
            {
                // Only the first valid answer of each instance it waits for, and at most MaxAnswersBytes of them, so
                // that a flood of answers cannot grow this.
                var bytes = (byte[])message!;
                if (!FleetInstanceAnswer.TryRead(bytes, out var instance, out var answer) || !MemStreamFleetOptions.IsValidName(instance)
                    || !live.Contains(instance) || answers.ContainsKey(instance)
                    || Interlocked.Add(ref held, bytes.Length) > MaxAnswersBytes || !answers.TryAdd(instance, answer))
                {
                    counters.AddRejected("answer", 1);
                    return;
                }
                if (live.All(answers.ContainsKey))
                    allAnswered.TrySetResult();
            });
            await subscriber.PublishAsync(keys.Queries, request.ToJson());
            await Task.WhenAny(allAnswered.Task, Task.Delay(options.QueryTimeout, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();

            // One reading of the answers: a late one must not count as answered without its events.
            var received = answers.ToArray();
            var events = FleetInstanceAnswer.Merge([.. received.Select(a => a.Value)], newestFirst: query.Query.Id is null, query.Query.Limit, out var cut);
            var answered = received.Select(a => a.Key).Order(StringComparer.Ordinal).ToList();
            var truncated = received.Where(a => FleetInstanceAnswer.IsTruncated(a.Value)).Select(a => a.Key).Union(cut).Order(StringComparer.Ordinal).ToList();
            var missing = live.Except(answered).Order(StringComparer.Ordinal).ToList();
            return new FleetQueryAnswer(events, answered, truncated, missing);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw FleetUnavailable.Because(redis, ex);
        }
        finally
        {
            await subscriber.UnsubscribeAsync(reply).WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
