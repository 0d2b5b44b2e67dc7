using System.Globalization;
using System.Text;
using Serilog.Events;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Follows the fleet's stream for one tail client: reads what follows the last id it saw (<c>XRANGE (id +</c>,
/// 256 at a time, again at once while there is more, else every 100 ms) and offers each event to the
/// client's subscription, whose bounded queue drops the oldest for a slow client. An entry that does not
/// read is skipped. While Redis is unreachable it waits and then resumes from the same id, so the client
/// gets no gap and no duplicate as long as the stream still holds the events.
/// </summary>
internal sealed class FleetTailReader
{
    const int PageSize = 256;
    /// <summary>How many of the stream's newest events a client that does not resume sees first.</summary>
    public const int Replay = 1000;
    static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(1);

    readonly IConnectionMultiplexer _redis;
    readonly FleetKeys _keys;
    readonly MemStreamSubscription _subscription;
    readonly CancellationTokenSource _stop = new();
    RedisValue _position;

    FleetTailReader(IConnectionMultiplexer redis, FleetKeys keys, MemStreamSubscription subscription, RedisValue position)
    {
        _redis = redis;
        _keys = keys;
        _subscription = subscription;
        _position = position;
    }

    /// <summary>Opens a client's tail: the replay (or the resume point and whether events after it were trimmed), then the reading in the background.</summary>
    public static async Task<FleetTail> OpenAsync(IConnectionMultiplexer redis, FleetKeys keys, string? afterId, LogEventLevel minLevel, int capacity)
    {
        FleetTailReader? reader = null;
        var subscription = new MemStreamSubscription(after: 0, minLevel, capacity, missed: 0, onDispose: _ => reader?._stop.Cancel());
        var database = redis.GetDatabase();
        string? missed = null;
        if (afterId is null)
        {
            var newest = await database.StreamRangeAsync(keys.Events, "-", "+", Math.Min(Replay, capacity), Order.Descending);
            reader = new FleetTailReader(redis, keys, subscription, newest.Length > 0 ? newest[0].Id : "0-0");
            foreach (var entry in newest.Reverse())
                reader.Offer(entry);
        }
        else
        {
            var info = await database.StreamInfoAsync(keys.Events).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : (StreamInfo?)null, TaskScheduler.Default);
            if (info is { } stream && Compare(afterId, stream.MaxDeletedEntryId.ToString()) < 0)
                missed = $"The fleet's stream no longer holds every event after {afterId} (it keeps about its newest StreamLength); it goes on from its oldest.";
            reader = new FleetTailReader(redis, keys, subscription, afterId);
        }
        _ = Task.Run(reader.RunAsync);
        return new FleetTail(subscription, missed);
    }

    async Task RunAsync()
    {
        var stopping = _stop.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                StreamEntry[] page;
                try
                {
                    page = await _redis.GetDatabase().StreamRangeAsync(_keys.Events, "(" + _position, "+", PageSize);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    await Task.Delay(Outage, stopping);
                    continue;
                }
                foreach (var entry in page)
                    Offer(entry);
                if (page.Length < PageSize)
                    await Task.Delay(Idle, stopping);
            }
        }
        catch (OperationCanceledException)
        {
            // The client is gone. (The source has no timer: nothing to dispose.)
        }
    }

    void Offer(StreamEntry entry)
    {
        _position = entry.Id;
        if (Read(entry) is { } memStreamEvent)
            _subscription.Offer(memStreamEvent);
    }

    /// <summary>An entry as an event with its origin; null for one that does not read (another version's, or damaged).</summary>
    static MemStreamEvent? Read(StreamEntry entry)
    {
        var instance = entry["instance"];
        var clef = entry["clef"];
        if (instance.IsNullOrEmpty || clef.IsNullOrEmpty || !entry["seq"].TryParse(out long sequence) || sequence < 1
            || !ClefEventReader.TryRead(clef.ToString(), out var logEvent))
            return null;
        var text = entry["text"];
        return new MemStreamEvent(sequence, logEvent!, text.IsNull ? Encoding.UTF8.GetBytes("") : (byte[])text!,
            new FleetOrigin(instance.ToString(), entry.Id.ToString(), clef.ToString()));
    }

    /// <summary>Orders two stream ids, <c>&lt;ms&gt;-&lt;seq&gt;</c>, as Redis does.</summary>
    static int Compare(string left, string right)
    {
        static (ulong, ulong) Parts(string id)
        {
            var dash = id.IndexOf('-');
            return dash < 0
                ? (ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : 0, 0)
                : (ulong.Parse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture), ulong.Parse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture));
        }
        return Parts(left).CompareTo(Parts(right));
    }
}
