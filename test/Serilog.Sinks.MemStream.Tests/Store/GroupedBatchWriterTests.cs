using System.Diagnostics;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>The writer's grouping, on one chunk of writes into a real RocksDB: one logged group per id and family, indexed by a pointer or a trace's references.</summary>
public class GroupedBatchWriterTests
{
    static readonly ActivityTraceId First = ActivityTraceId.CreateRandom();
    static readonly ActivityTraceId Second = ActivityTraceId.CreateRandom();

    // Sequence, trace (or none), TTL, correlation id (or none): two traces interleaved, one across two families,
    // correlation id "a" in two families and with two traces.
    static readonly (long Sequence, ActivityTraceId? Trace, int Ttl, string? CorrelationId)[] Writes =
    [
        (1, First, 60, "a"), (2, Second, 60, null), (3, null, 60, "b"), (4, First, 60, null), (5, First, 3600, "a"), (6, Second, 60, "c"),
        (7, First, 60, "a"), (8, Second, 60, "a"), (9, Second, 60, null),
    ];

    [Test]
    public void AChunkGetsOneGroupPerIdAndFamilyInTheLogOrIfSmallInTheIndexAndOneReferenceEntryPerTrace()
    {
        using var folder = new TempFolder();
        var names = new[] { "short", "short-log", "long", "long-log" };
        using var database = TestDatabase.Open(folder.Path, [.. names.Select(name => (name, 0))]);
        var (shortFamily, longFamily) = (new FamilyHandles(database.GetFamily("short"), database.GetFamily("short-log")),
            new FamilyHandles(database.GetFamily("long"), database.GetFamily("long-log")));

        using (var batch = new RocksWriteBatch())
        {
            var entries = new GroupedBatchWriter().AddTo(batch, Chunk(),
                new Dictionary<StoreFamily, FamilyHandles> { [new(60, 0)] = shortFamily, [new(3600, 0)] = longFamily });
            // Logged groups: a, Second's own, First's own (short); a (long). Pointers: a, a. Kept in the index: b, c. References: First (short and long), Second.
            // The search index: every group and the problems' groups, per family.
            Assert.That(entries, Is.EqualTo(15));
            Assert.That(batch.Count, Is.EqualTo(15));
            database.Write(batch);
        }

        Assert.That(Log(database, shortFamily.Log), Is.EqualTo(new[] { (1L, new[] { 1L, 7, 8 }), (2L, new[] { 2L, 9 }), (4L, new[] { 4L }) }));
        Assert.That(Log(database, longFamily.Log), Is.EqualTo(new[] { (5L, new[] { 5L }) }));
        Assert.That(Pointers(database, shortFamily.Index, StoreKey.Prefix("a")), Is.EqualTo(new[] { (1L, LogEventLevel.Warning) }));
        Assert.That(Pointers(database, longFamily.Index, StoreKey.Prefix("a")), Is.EqualTo(new[] { (5L, LogEventLevel.Error) }));
        // Small groups of a correlation id stay in the index, where its scan reads them.
        Assert.That(Inline(database, shortFamily.Index, StoreKey.Prefix("b")), Is.EqualTo(new[] { (3L, new[] { 3L }) }));
        Assert.That(Inline(database, shortFamily.Index, StoreKey.Prefix("c")), Is.EqualTo(new[] { (6L, new[] { 6L }) }));
        // A trace's events with no correlation id are grouped under the trace in the log, and only its references name the group.
        Assert.That(References(database, shortFamily.Index, StoreKey.TracePrefix(First)),
            Is.EqualTo(new[] { (1L, new[] { (1L, LogEventLevel.Information, ""), (4L, LogEventLevel.Information, "") }) }));
        Assert.That(References(database, longFamily.Index, StoreKey.TracePrefix(First)), Is.EqualTo(new[] { (5L, new[] { (5L, LogEventLevel.Error, "") }) }));
        Assert.That(References(database, shortFamily.Index, StoreKey.TracePrefix(Second)),
            Is.EqualTo(new[] { (2L, new[] { (2L, LogEventLevel.Information, ""), (6L, LogEventLevel.Information, "c:0000000006"), (1L, LogEventLevel.Warning, "") }) }));
        // The search index names each family's groups in the order of their first event, keyed by the family's first event.
        Assert.That(Directory(database, shortFamily.Index, problems: false), Is.EqualTo(new[] { (1L, new[]
        {
            (1L, LogEventLevel.Warning, ""), (2L, LogEventLevel.Information, ""), (3L, LogEventLevel.Information, "b:0000000003"),
            (4L, LogEventLevel.Information, ""), (6L, LogEventLevel.Information, "c:0000000006"),
        }) }));
        Assert.That(Directory(database, shortFamily.Index, problems: true), Is.EqualTo(new[] { (1L, new[] { (1L, LogEventLevel.Warning, "") }) }));
        Assert.That(Directory(database, longFamily.Index, problems: false), Is.EqualTo(new[] { (5L, new[] { (5L, LogEventLevel.Error, "") }) }));
        Assert.That(Directory(database, longFamily.Index, problems: true), Is.EqualTo(new[] { (5L, new[] { (5L, LogEventLevel.Error, "") }) }));
    }

    /// <summary>The last event of the groups the entry keyed by this first event names: the writes above, by family (60 s: 1 to 9, a's Warning group up to 8; 3600 s: 5).</summary>
    static long LastOf(long keySequence, bool problems) => keySequence == 5 ? 5 : problems ? 8 : 9;

    /// <summary>Each search-index entry of a family: its key's sequence number and the groups it names (as <see cref="References"/>), its times sensible.</summary>
    static List<(long Key, (long Group, LogEventLevel Level, string IndexKey)[] Groups)> Directory(RocksDatabase database, RocksFamily index, bool problems) =>
        Entries(database, index, StoreKey.DirectoryPrefix(problems), (keySequence, value) =>
        {
            Assert.That(BatchDirectory.TryRead(value, out var latestExpiry, out var writtenAt, out var earliest, out var last, out var items));
            Assert.That(last, Is.EqualTo(LastOf(keySequence, problems)), "the last event of the groups it names");
            Assert.That(earliest, Is.EqualTo(Some.FixedTimestamp.ToUnixTimeMilliseconds()), "the earliest event's time");
            Assert.That(writtenAt, Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Within(60_000), "when the batch was written");
            Assert.That(latestExpiry, Is.GreaterThan(writtenAt));
            var groups = new List<(long, LogEventLevel, string)>();
            while (GroupReferences.TryReadItem(ref items, out var level, out var groupSequence, out var indexKey))
                groups.Add((groupSequence, level, System.Text.Encoding.UTF8.GetString(indexKey)));
            Assert.That(items.IsEmpty, "every item read");
            return groups.ToArray();
        });

    /// <summary>The writes as RocksEventStore.Add queues them: under the correlation id or else the trace, with the trace (if any) as the index key.</summary>
    static PendingWrite[] Chunk()
    {
        var queue = new PendingWriteQueue(100);
        Span<byte> key = stackalloc byte[StoreKey.MaxKeyBytes];
        Span<byte> indexKey = stackalloc byte[StoreKey.MaxKeyBytes];
        foreach (var (sequence, trace, ttl, correlationId) in Writes)
        {
            var keyLength = correlationId is null ? StoreKey.WriteTrace(key, trace!.Value, sequence) : StoreKey.Write(key, correlationId, sequence);
            var indexKeyLength = trace is { } t ? StoreKey.WriteTrace(indexKey, t, sequence) : 0;
            var level = ttl == 3600 ? LogEventLevel.Error : sequence == 8 ? LogEventLevel.Warning : LogEventLevel.Information;
            // "a"'s events are large, so its groups go to the log; the others are small enough to stay in the index.
            var template = correlationId == "a" ? new string('x', 600) : "Hello {Name}";
            var value = StoredEventCodec.Encode(Some.Event(template, level), DateTimeOffset.UtcNow.AddSeconds(ttl));
            queue.Add(sequence, key[..keyLength], value, indexKey[..indexKeyLength], new StoreFamily(ttl, 0));
        }
        return queue.Take(100)!;
    }

    /// <summary>Each group in a log family: its key's sequence number and those of its events, every one of which decodes.</summary>
    static List<(long Key, long[] Events)> Log(RocksDatabase database, RocksFamily log)
    {
        var groups = new List<(long, long[])>();
        using var iterator = database.NewIterator(log);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            Assert.That(StoreKey.TryParseLogKey(iterator.Key(), out var keySequence), "a log key");
            Assert.That(StoredGroup.IsWellFormed(iterator.Value()), "a well-formed group");
            Assert.That(StoredEvents.TryOpen(iterator.Value(), keySequence, out var events, out _, out _));
            var sequences = new List<long>();
            while (events.TryNext(out var sequence, out _))
                sequences.Add(sequence);
            groups.Add((keySequence, sequences.ToArray()));
        }
        return groups;
    }

    /// <summary>Each group kept in the index under the prefix: its key's sequence number and those of its events.</summary>
    static List<(long Key, long[] Events)> Inline(RocksDatabase database, RocksFamily index, byte[] prefix) =>
        Entries(database, index, prefix, (keySequence, value) =>
        {
            Assert.That(StoredGroup.IsWellFormed(value), "a group");
            Assert.That(StoredEvents.TryOpen(value, keySequence, out var events, out _, out _));
            var sequences = new List<long>();
            while (events.TryNext(out var sequence, out _))
                sequences.Add(sequence);
            return sequences.ToArray();
        });

    /// <summary>Each pointer under the prefix: its key's sequence number (its group's) and the group's highest level.</summary>
    static List<(long Key, LogEventLevel Level)> Pointers(RocksDatabase database, RocksFamily index, byte[] prefix) =>
        Entries(database, index, prefix, (keySequence, value) =>
        {
            Assert.That(GroupPointer.TryRead(value, out var level, out _), "a pointer");
            return level;
        });

    /// <summary>Each reference entry under the prefix: its key's sequence number and the groups it names, with their level and index key (empty for the log).</summary>
    static List<(long Key, (long Group, LogEventLevel Level, string IndexKey)[] Groups)> References(RocksDatabase database, RocksFamily index, byte[] prefix) =>
        Entries(database, index, prefix, (keySequence, value) =>
        {
            Assert.That(GroupReferences.TryRead(value, out _, out var items));
            var groups = new List<(long, LogEventLevel, string)>();
            while (GroupReferences.TryReadItem(ref items, out var level, out var groupSequence, out var indexKey))
                groups.Add((groupSequence, level, System.Text.Encoding.UTF8.GetString(indexKey)));
            Assert.That(items.IsEmpty, "every item read");
            return groups.ToArray();
        });

    static List<(long, T)> Entries<T>(RocksDatabase database, RocksFamily family, byte[] prefix, Func<long, byte[], T> read)
    {
        var entries = new List<(long, T)>();
        using var iterator = database.NewIterator(family);
        for (iterator.Seek(prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next())
        {
            Assert.That(StoreKey.TryMatch(iterator.Key(), prefix, out var keySequence));
            entries.Add((keySequence, read(keySequence, iterator.Value())));
        }
        return entries;
    }
}
