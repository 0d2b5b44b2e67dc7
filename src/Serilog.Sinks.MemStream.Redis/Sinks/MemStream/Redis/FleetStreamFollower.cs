using Serilog.Debugging;
using Serilog.Events;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Follows the fleet's stream for every live-tail client of this instance. One loop reads what follows its
/// position (256 entries at a time, again at once while there is more, else every 100 ms), reads each
/// entry once, keeps the newest 4,096 (at most about 32 MiB) in a window, and gives every client what
/// follows the client's own position there. So ten clients cost one read and one parse of each event, and one frame per format,
/// which the event carries: with a reader per client, ten clients cost ten of each and fell seconds behind.
/// A client whose position is older than the window (it resumed from further back, or its queue was full
/// for a while) is read for on its own until it is back in the window: a full queue is passed over, never
/// overwritten, so a slow client loses nothing the stream still holds.
/// Each read starts at the entry it continues from: when that entry is gone, the stream lost it (Redis
/// restarted without it, or trimmed it first) and maybe entries not yet read after it, and the clients
/// concerned are told right before the first event they get after it. The loop runs while there are
/// clients; Redis being unreachable pauses it, and a failure of its own ends its clients' tails (said in
/// SelfLog), never the app.
/// </summary>
internal sealed class FleetStreamFollower(IConnectionMultiplexer redis, FleetKeys keys)
{
    /// <summary>How many of the stream's newest events a client that does not resume sees first.</summary>
    public const int Replay = 1000;
    const int PageSize = 256;
    const int WindowSize = 4096;
    const long WindowBytes = 32 * 1024 * 1024;
    static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(1);
    /// <summary>The notice of a loss. The stream cannot say how many, nor even whether any: only that the last event read is gone.</summary>
    public const string StreamLost = "The fleet's stream no longer holds the last event this tail read (Redis restarted without it, or trimmed it): events added after it and before the oldest the stream holds now may be missing; the tail goes on from there.";

    readonly object _lock = new();
    readonly List<FleetTailClient> _clients = [];
    // Only the loop touches these: the window holds every entry after _windowBase up to _position.
    readonly List<FleetStreamEntry> _window = [];
    long _windowBytes;
    StreamPosition _windowBase;
    StreamPosition _position;
    bool _positionHeld;
    bool _running;

    /// <summary>Opens a client's tail: the replay (or the resume point, and whether the stream still holds it), then its place in the loop.</summary>
    public async Task<FleetTail> OpenAsync(string? afterId, LogEventLevel minLevel, int capacity)
    {
        FleetTailClient? client = null;
        var subscription = new MemStreamSubscription(after: 0, minLevel, capacity, missed: 0, onDispose: _ => Remove(client));
        var database = redis.GetDatabase();
        string? missed = null;
        if (afterId is null)
        {
            var newest = await database.StreamRangeAsync(keys.Events, "-", "+", Math.Min(Replay, capacity), Order.Descending);
            client = new FleetTailClient(subscription, minLevel, capacity, StreamPosition.Start, positionHeld: false);
            foreach (var entry in newest.Reverse())
                client.TryGive(FleetStreamEntry.Read(entry));
        }
        else
        {
            // Redis trims a stream from its oldest end: while it still holds the entry resumed after, it holds
            // everything after it. (Trimming does not move XINFO's max-deleted-entry-id, so that cannot tell.)
            var held = (await database.StreamRangeAsync(keys.Events, afterId, afterId, 1)).Length > 0;
            var position = StreamPosition.Parse(afterId);
            if (!held)
            {
                missed = $"The fleet's stream no longer holds the event {afterId} (it keeps about its newest StreamLength, and only while Redis keeps it); it goes on from the oldest it holds after it.";
                // An id ahead of the newest entry was never written by this stream: resumed after it, the tail
                // would wait for ever. It goes on from the newest entry instead, and says so.
                var newest = await database.StreamRangeAsync(keys.Events, "-", "+", 1, Order.Descending);
                if (newest.Length > 0 && StreamPosition.Parse(newest[0].Id) is var last && position > last)
                {
                    missed = $"The fleet's stream holds no event {afterId}: it is ahead of the newest the stream holds ({last}); the tail goes on with the events published from now on.";
                    position = last;
                }
            }
            client = new FleetTailClient(subscription, minLevel, capacity, position, held);
        }
        Add(client);
        return new FleetTail(subscription, missed, client.Notices);
    }

    void Add(FleetTailClient client)
    {
        lock (_lock)
        {
            _clients.Add(client);
            if (_running)
                return;
            _running = true;
            _window.Clear();
            _windowBytes = 0;
            _windowBase = _position = client.Position;
            _positionHeld = client.PositionHeld;
        }
        _ = Task.Run(RunAsync);
    }

    void Remove(FleetTailClient? client)
    {
        if (client is null)
            return;
        lock (_lock)
            _clients.Remove(client);
    }

    /// <summary>The clients to serve now; null (and the loop ends) when there are none.</summary>
    FleetTailClient[]? Clients()
    {
        lock (_lock)
        {
            _clients.RemoveAll(c => c.Subscription.Reader.Completion.IsCompleted); // disposed while it was opening
            if (_clients.Count > 0)
                return [.. _clients];
            _running = false;
            return null;
        }
    }

    async Task RunAsync()
    {
        try
        {
            while (Clients() is { } clients)
            {
                bool more;
                try
                {
                    more = await ReadAsync(clients);
                    // Clients in the window are served before the first await; those reading on their own go concurrently.
                    var served = await Task.WhenAll(clients.Select(ServeAsync));
                    more |= served.Contains(true);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    await Task.Delay(Outage); // unreachable: read again from the same place
                    continue;
                }
                if (!more)
                    await Task.Delay(Idle);
            }
        }
        catch (Exception ex)
        {
            // At shutdown the connection is disposed under the loop: the clients are being closed anyway.
            if (ex is not ObjectDisposedException)
                SelfLog.WriteLine("MemStream: reading the fleet's stream for the live tail failed, and its clients' tails end: {0}", ex);
            FleetTailClient[] ended;
            lock (_lock)
            {
                ended = [.. _clients];
                _clients.Clear();
                _running = false;
            }
            foreach (var client in ended)
                client.Subscription.Dispose();
        }
    }

    /// <summary>Reads what follows the loop's position into the window; true when a whole page came (more may be waiting).</summary>
    async Task<bool> ReadAsync(FleetTailClient[] clients)
    {
        var (entries, lost, full) = await ReadAfterAsync(_position, _positionHeld, PageSize);
        if (lost)
        {
            _positionHeld = false;
            // Those behind the window find out by their own reads; those that began after the loss lost nothing.
            foreach (var client in clients.Where(c => c.Position >= _windowBase && c.Position <= _position))
            {
                client.LostAfter ??= _position;
                client.PositionHeld = false; // told once, not again by a read of its own
            }
        }
        if (entries.Count == 0)
            return false;
        _window.AddRange(entries);
        _windowBytes += entries.Sum(e => (long)e.Bytes);
        _position = entries[^1].Position;
        _positionHeld = true;
        var leaving = 0;
        while (_window.Count - leaving > WindowSize || (_windowBytes > WindowBytes && _window.Count - leaving > 1))
            _windowBytes -= _window[leaving++].Bytes;
        if (leaving > 0)
        {
            _windowBase = _window[leaving - 1].Position;
            _window.RemoveRange(0, leaving);
        }
        return full;
    }

    /// <summary>Gives the client what follows its position, as much as its queue takes; true when it reads on its own and more is waiting.</summary>
    async Task<bool> ServeAsync(FleetTailClient client)
    {
        if (client.Room <= 0)
            return false;
        if (client.Position >= _windowBase)
        {
            for (var i = FirstAfter(client.Position); i < _window.Count && client.TryGive(_window[i]); i++)
            {
            }
            return false;
        }
        // A read of its own only once its queue has room for a good page: a client that takes a few events at a
        // time would otherwise keep the loop reading for it without pause.
        if (client.Room < Math.Min(PageSize, Math.Max(1, client.Capacity / 2)))
            return false;
        var (entries, lost, full) = await ReadAfterAsync(client.Position, client.PositionHeld, Math.Min(PageSize, client.Room));
        if (lost)
        {
            client.PositionHeld = false;
            client.LostAfter ??= client.Position;
        }
        foreach (var entry in entries)
            client.TryGive(entry); // room was counted for the whole page
        return full;
    }

    /// <summary>The window's index of the first entry after <paramref name="position"/>.</summary>
    int FirstAfter(StreamPosition position)
    {
        int low = 0, high = _window.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_window[middle].Position <= position)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    /// <summary>
    /// Up to <paramref name="count"/> entries after <paramref name="position"/>. The read includes the entry at
    /// the position itself, so that when that entry was read before (<paramref name="held"/>) its absence
    /// shows the stream lost entries since (<c>lost</c>); <c>full</c> when more may follow.
    /// </summary>
    async Task<(List<FleetStreamEntry> Entries, bool Lost, bool Full)> ReadAfterAsync(StreamPosition position, bool held, int count)
    {
        var page = await redis.GetDatabase().StreamRangeAsync(keys.Events, position.ToString(), "+", count + 1);
        var skip = page.Length > 0 && StreamPosition.Parse(page[0].Id) == position ? 1 : 0;
        var entries = new List<FleetStreamEntry>(Math.Min(count, page.Length));
        for (var i = skip; i < page.Length && entries.Count < count; i++)
            entries.Add(FleetStreamEntry.Read(page[i]));
        return (entries, held && skip == 0, page.Length - skip >= count);
    }
}
