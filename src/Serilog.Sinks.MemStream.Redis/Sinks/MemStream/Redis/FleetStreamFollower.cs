using Serilog.Debugging;
using Serilog.Events;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Follows the fleet's stream for every live-tail client of this instance. One loop reads what follows its
/// position (about 256 events at a time, again at once while there is more, else every 100 ms), reads each
/// entry once (<see cref="FleetEntryReader"/>), keeps the newest 16,384 events (at most about 32 MiB) in a window, and gives
/// every client what follows the client's own position there. So ten clients cost one read and one decoding of each
/// event, and one frame per format, which the event carries. A new client starts from the window when it holds
/// the replay, instead of reading and decoding the stream's newest events again.
/// A client whose position is older than the window (it resumed from further back, or its queue was full
/// for a while) is read for on its own until it is back in the window: a full queue is passed over, never
/// overwritten, so a slow client loses nothing the stream still holds.
/// Each read starts at the entry it continues from: when that entry is gone, the stream lost it (Redis
/// restarted without it, or trimmed it first) and maybe entries not yet read after it, and the clients
/// concerned are told right before the first event they get after it. The loop runs while there are
/// clients; Redis being unreachable pauses it, and a failure of its own ends its clients' tails (said in
/// SelfLog), never the app.
/// </summary>
internal sealed class FleetStreamFollower(IConnectionMultiplexer redis, FleetKeys keys, FleetCounters counters)
{
    readonly FleetStreamRange _range = new(redis, keys);
    /// <summary>How many of the stream's newest events a client that does not resume sees first.</summary>
    public const int Replay = 1000;
    const int PageEntries = 32;
    const int PageEvents = 256;
    const int OwnReadRoom = 256;
    // A second or more of a busy fleet's events (3 instances × 10,000 events/s in the bench): a client that pauses
    // briefly stays within it. With 4,096, clients fell out of it within 140 ms and read for themselves.
    const int WindowEvents = 16_384;
    const long WindowBytes = 32 * 1024 * 1024;
    static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(1);
    /// <summary>The notice of a loss. The stream cannot say how many, nor even whether any: only that the last event read is gone.</summary>
    public const string StreamLost = "The fleet's stream no longer holds the last event this tail read (Redis restarted without it, or trimmed it): events added after it and before the oldest the stream holds now may be missing; the tail goes on from there.";

    readonly object _lock = new();
    readonly List<FleetTailClient> _clients = [];
    // The loop changes these, under the lock (a new client's replay reads the window): the window holds every
    // entry after _windowBase up to _position.
    readonly List<FleetStreamEntry> _window = [];
    long _windowBytes;
    int _windowEvents;
    FleetStreamPosition _windowBase;
    FleetStreamPosition _position;
    bool _positionHeld;
    bool _running;

    /// <summary>Opens a client's tail: the replay (or the resume point, and whether the stream still holds it), then its place in the loop.</summary>
    public async Task<FleetTail> OpenAsync(FleetStreamPosition? afterId, LogEventLevel minLevel, int capacity)
    {
        FleetTailClient? client = null;
        var subscription = new MemStreamSubscription(capacity, minLevel, onDispose: _ => Remove(client));
        string? missed = null;
        if (afterId is not { } position)
        {
            var (start, held) = await ReplayStartAsync(Math.Min(Replay, capacity));
            client = new FleetTailClient(subscription, minLevel, capacity, start, held);
        }
        else
        {
            // Redis trims a stream from its oldest end: while it still holds the entry resumed in, it holds
            // everything after it. (Trimming does not move XINFO's max-deleted-entry-id, so that cannot tell.)
            var held = (await _range.ReadAsync(position.EntryId, position.EntryId, 1)).Length > 0;
            if (!held)
            {
                missed = $"The fleet's stream no longer holds the event {position} (it keeps about its newest StreamLength events, and only while Redis keeps them); it goes on from the oldest it holds after it.";
                // An id ahead of the newest entry was never written by this stream: resumed after it, the tail
                // would wait for ever. It goes on from the newest entry instead, and says so.
                var newest = await _range.ReadAsync("+", "-", 1, descending: true);
                if (newest.Length > 0 && FleetStreamPosition.Parse(newest[0].Id.ToString()) is var last && position > last)
                {
                    missed = $"The fleet's stream holds no event {position}: it is ahead of the newest the stream holds ({last}); the tail goes on with the events published from now on.";
                    position = last;
                }
            }
            client = new FleetTailClient(subscription, minLevel, capacity, position, held);
        }
        Add(client);
        return new FleetTail(subscription, missed, client.Notices);
    }

    /// <summary>
    /// Where a client that does not resume starts, so that it gets the stream's newest <paramref name="events"/>
    /// events: from the window when it holds that many, else by counting back through the stream's newest entries.
    /// </summary>
    async Task<(FleetStreamPosition Start, bool Held)> ReplayStartAsync(int events)
    {
        lock (_lock)
        {
            if (_running && _windowEvents >= events)
                return (StartOfNewest(_window.Select(e => (e.Id, e.Events.Count)).Reverse(), events)!.Value, true);
        }
        var counted = new List<(FleetStreamPosition Id, int Events)>();
        var total = 0;
        RedisValue before = "+";
        while (total < events)
        {
            var page = await _range.ReadAsync(before, "-", PageEntries, descending: true);
            foreach (var entry in page)
            {
                var count = FleetEntryReader.CountEvents(entry);
                counted.Add((FleetStreamPosition.Parse(entry.Id.ToString()), count));
                total += count;
            }
            if (page.Length < PageEntries)
                break;
            before = "(" + page[^1].Id;
        }
        return StartOfNewest(counted, events) is { } start ? (start, true) : (FleetStreamPosition.Start, false);
    }

    /// <summary>The position right before the newest <paramref name="events"/> events of the entries given newest first; null when they hold fewer.</summary>
    static FleetStreamPosition? StartOfNewest(IEnumerable<(FleetStreamPosition Id, int Events)> newestFirst, int events)
    {
        var left = events;
        foreach (var (id, count) in newestFirst)
        {
            if (count >= left)
                return id with { Index = count - left - 1 };
            left -= count;
        }
        return null;
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
            _windowEvents = 0;
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
        var (entries, lost, full) = await ReadAfterAsync(_position, _positionHeld, EntriesFor(PageEvents));
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
        foreach (var entry in entries.Where(e => e.Rejected is not null))
            counters.AddRejected("entry", entry.RejectedEvents > 0 ? entry.RejectedEvents : 1);
        lock (_lock)
        {
            _window.AddRange(entries);
            _windowBytes += entries.Sum(e => e.Bytes);
            _windowEvents += entries.Sum(e => e.Events.Count);
            _position = entries[^1].Id.AtEntryEnd;
            _positionHeld = true;
            var leaving = 0;
            while (_window.Count - leaving > 1 && (_windowEvents > WindowEvents || _windowBytes > WindowBytes))
            {
                _windowBytes -= _window[leaving].Bytes;
                _windowEvents -= _window[leaving++].Events.Count;
            }
            if (leaving > 0)
            {
                _windowBase = _window[leaving - 1].Id;
                _window.RemoveRange(0, leaving);
            }
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
        if (client.Room < Math.Min(OwnReadRoom, Math.Max(1, client.Capacity / 2)))
            return false;
        // As many entries as its room takes: a client that takes 1,000 events must not have 32 entries of hundreds
        // of events each decoded for it, again at every pause.
        var (entries, lost, full) = await ReadAfterAsync(client.Position, client.PositionHeld, EntriesFor(client.Room));
        if (lost)
        {
            client.PositionHeld = false;
            client.LostAfter ??= client.Position;
        }
        foreach (var entry in entries)
        {
            if (!client.TryGive(entry))
                return false; // its queue is full: it goes on from there later
        }
        return full;
    }

    /// <summary>
    /// How many entries to read for about <paramref name="events"/> events, by the window's events per entry (at
    /// most <see cref="PageEntries"/>). Pages of about 256 events keep the loop's turns short: with 32 entries of a
    /// busy fleet (3,000 events and more) a client got a thousand at once, then waited while the next page was
    /// read and decoded, and fell behind.
    /// </summary>
    int EntriesFor(int events)
    {
        var perEntry = Math.Max(1, _windowEvents / Math.Max(1, _window.Count));
        return Math.Clamp(events / perEntry + 1, 1, PageEntries);
    }

    /// <summary>The window's index of the first entry with events after <paramref name="position"/>.</summary>
    int FirstAfter(FleetStreamPosition position)
    {
        int low = 0, high = _window.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_window[middle].Id <= position)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    /// <summary>
    /// Up to <paramref name="count"/> entries with events after <paramref name="position"/>. The read includes the
    /// position's own entry, so that when that entry was read before (<paramref name="held"/>) its absence
    /// shows the stream lost entries since (<c>lost</c>); <c>full</c> when more may follow.
    /// </summary>
    async Task<(List<FleetStreamEntry> Entries, bool Lost, bool Full)> ReadAfterAsync(FleetStreamPosition position, bool held, int count)
    {
        var page = await _range.ReadAsync(position.EntryId, "+", count + 1);
        var found = page.Length > 0 && FleetStreamPosition.Parse(page[0].Id.ToString()).SameEntry(position);
        // Its own entry, when the position is within it, still has events to give.
        var skip = found && position.Index == FleetStreamPosition.EntryEnd ? 1 : 0;
        var entries = new List<FleetStreamEntry>(Math.Min(count, page.Length));
        for (var i = skip; i < page.Length && entries.Count < count; i++)
            entries.Add(FleetEntryReader.Read(page[i]));
        return (entries, held && !found, page.Length - skip >= count);
    }
}
