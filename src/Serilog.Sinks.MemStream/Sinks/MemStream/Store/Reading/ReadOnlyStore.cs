using System.Text;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// A MemStream store opened read-only, so it can be read while the application runs (RocksDB lets a
/// read-only instance open a locked database) or after it is gone, and is never modified. Values are
/// read raw: a database written with TTL appends a 4-byte write time to each value, which is dropped here.
/// The one place outside the sink that knows the store's layout: the <c>memstream</c> tool reads stores through it.
/// </summary>
internal sealed class ReadOnlyStore : IDisposable
{
    const int TtlSuffixLength = 4;
    const int PageEvents = 1000;
    readonly RocksDatabase _database;
    readonly List<OpenFamily> _families;

    ReadOnlyStore(string path, RocksDatabase database, List<OpenFamily> families)
    {
        Path = path;
        _database = database;
        _families = families;
    }

    public string Path { get; }

    /// <summary>Opens the store at <paramref name="path"/> read-only, for one sink's part of it; <see cref="StoreUnreadableException"/> says why it cannot.</summary>
    public static ReadOnlyStore Open(string path, string? sinkName)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new StoreUnreadableException($"{full} does not exist. Pass the directory the application's storePath names (by default <temp>/memstream/<application name>).");
        if (!File.Exists(System.IO.Path.Combine(full, "CURRENT")))
            throw new StoreUnreadableException($"{full} is not a MemStream store (it holds no RocksDB database). Pass the directory the application's storePath names.");

        try
        {
            var names = RocksDatabase.ListFamilies(full);
            var database = RocksDatabase.OpenReadOnly(full, names);
            var own = new List<OpenFamily>();
            foreach (var name in names)
            {
                if (FamilyName.TryParse(name, out var family, out var owner) && owner == sinkName)
                    own.Add(new OpenFamily(name, family, database.GetFamily(name),
                        database.TryGetFamily(FamilyName.ForLog(family, sinkName), out var log) ? log : null));
            }
            return new ReadOnlyStore(full, database, own);
        }
        catch (RocksException ex)
        {
            throw new StoreUnreadableException($"the store at {full} cannot be read: {ex.Message}. If another program holds it in a way RocksDB forbids, try again once it has stopped.");
        }
    }

    /// <summary>The correlation ids that have live events, in the order of their first event.</summary>
    public IReadOnlyList<StoredIdSummary> Ids(string correlationIdProperty)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new Dictionary<string, StoredIdSummary>(StringComparer.Ordinal);
        using var correlationKeysOnly = new RocksReadOptions(upperBound: StoreKey.CorrelationKeysEnd());
        foreach (var family in _families)
        {
            using var iterator = _database.NewIterator(family.Index, correlationKeysOnly);
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                if (!StoreKey.TrySplit(iterator.GetKeySpan(), out var idForm, out var keySequence))
                    continue;
                var held = StoreQueries.EventsOf(_database, family, keySequence, WithoutTtlSuffix(iterator.GetValueSpan()), TtlSuffixLength);
                if (held is null || !StoredEvents.TryOpen(held, keySequence, out var events, out _, out _))
                    continue;
                while (events.TryNext(out _, out var eventValue))
                {
                    if (!StoredEventCodec.TryReadHeader(eventValue, out _, out var expiresAt) || expiresAt <= now
                        || !StoredEventCodec.TryDecode(eventValue, out var logEvent))
                        continue;
                    // A long id is shortened in its key; the event itself holds it whole, read by the sink's own rule.
                    var id = StoreKey.IsShortened(idForm) && CorrelationIdText.Of(logEvent!, correlationIdProperty) is { } full
                        ? full
                        : Encoding.UTF8.GetString(idForm);
                    var time = logEvent!.Timestamp;
                    ids[id] = ids.TryGetValue(id, out var seen)
                        ? seen with { Events = seen.Events + 1, First = time < seen.First ? time : seen.First, Last = time > seen.Last ? time : seen.Last }
                        : new StoredIdSummary(id, 1, time, time);
                }
            }
        }
        GC.KeepAlive(correlationKeysOnly);
        return [.. ids.Values.OrderBy(i => i.First)];
    }

    /// <summary>What each of the sink's families holds, every entry classified as maintenance classifies it.</summary>
    public IReadOnlyList<StoredFamilyCounts> Count()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var counted = new List<StoredFamilyCounts>();
        foreach (var family in _families)
        {
            var counts = new StoredFamilyCounts(family.Name, family.Family.TtlSeconds);
            CountEntries(counts, family.Index, now);
            if (family.Log is { } log)
                CountEntries(counts, log, now);
            counted.Add(counts);
        }
        return counted;
    }

    void CountEntries(StoredFamilyCounts counts, RocksFamily handle, long now)
    {
        using var iterator = _database.NewIterator(handle);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            counts.Entries++;
            var value = WithoutTtlSuffix(iterator.GetValueSpan());
            switch (StoredEntryClassifier.Classify(iterator.GetKeySpan(), value, now, out var events))
            {
                case StoredEntryKind.Damaged:
                    counts.Damaged++;
                    break;
                case StoredEntryKind.LiveIndex or StoredEntryKind.ExpiredIndex:
                    counts.IndexEntries++;
                    break;
                case StoredEntryKind.Expired:
                    counts.ExpiredEvents += events;
                    break;
                case StoredEntryKind.Live:
                    CountLive(counts, iterator.GetKeySpan(), value, now);
                    break;
            }
        }
    }

    static void CountLive(StoredFamilyCounts counts, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long now)
    {
        var keySequence = StoreKey.TryParseLogKey(key, out var logSequence) ? logSequence : StoreKey.TrySplit(key, out _, out var indexSequence) ? indexSequence : 0;
        StoredEvents.TryOpen(value, keySequence, out var events, out _, out _);
        while (events.TryNext(out _, out var eventValue))
        {
            StoredEventCodec.TryReadHeader(eventValue, out _, out var expiresAt);
            if (expiresAt <= now)
            {
                counts.ExpiredEvents++;
                continue;
            }
            counts.LiveEvents++;
            if (StoredEventCodec.TryDecode(eventValue, out var logEvent))
            {
                counts.Oldest = counts.Oldest is { } oldest && oldest < logEvent!.Timestamp ? oldest : logEvent!.Timestamp;
                counts.Newest = counts.Newest is { } newest && newest > logEvent.Timestamp ? newest : logEvent.Timestamp;
            }
        }
    }

    /// <summary>
    /// The live events of one correlation id or trace id at or above a level, in write order (the sink's own scan),
    /// read a bounded page at a time: a long history is never held in memory whole.
    /// </summary>
    public IEnumerable<MemStreamStoredEvent> Query(string id, LogEventLevel minLevel)
    {
        var query = new MemStreamQuery { Id = id, MinLevel = minLevel, Limit = PageEvents };
        while (true)
        {
            var page = Search(query);
            foreach (var storedEvent in page.Events)
                yield return storedEvent;
            if (page.Next is not { } next)
                yield break;
            query = query with { After = next };
        }
    }

    /// <summary>One page of a search (a checked query), as the sink answers it.</summary>
    public MemStreamSearchPage Search(MemStreamQuery query) => query.Id is null
        ? StoreSearch.Across(_database, _families, query, TtlSuffixLength)
        : StoreSearch.OfId(_database, _families, query, TtlSuffixLength);

    public long SizeOnDisk() => new DirectoryInfo(Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public void Dispose() => _database.Dispose();

    static ReadOnlySpan<byte> WithoutTtlSuffix(ReadOnlySpan<byte> value) => value.Length >= TtlSuffixLength ? value[..^TtlSuffixLength] : [];
}
