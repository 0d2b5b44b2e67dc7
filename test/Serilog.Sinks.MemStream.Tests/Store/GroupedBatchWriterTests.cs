using System.Diagnostics;
using RocksDbSharp;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>The writer's grouping, on one chunk of writes into a real RocksDB: one group per id and family, one reference entry per trace and family.</summary>
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
    public void AChunkGetsOneGroupPerIdAndFamilyAndOneReferenceEntryPerTraceAndFamily()
    {
        using var folder = new TempFolder();
        var families = new ColumnFamilies { { "short", new ColumnFamilyOptions() }, { "long", new ColumnFamilyOptions() } };
        using var database = RocksDb.Open(new DbOptions().SetCreateIfMissing().SetCreateMissingColumnFamilies(), folder.Path, families);
        var (shortFamily, longFamily) = (database.GetColumnFamily("short"), database.GetColumnFamily("long"));

        using (var batch = new WriteBatch())
        {
            var entries = new GroupedBatchWriter().AddTo(batch, Chunk(),
                new Dictionary<StoreFamily, ColumnFamilyHandle> { [new(60, 0)] = shortFamily, [new(3600, 0)] = longFamily });
            // Groups: a, b, c, First's own, Second's own (short); a (long). References: First, Second (short); First (long).
            Assert.That(entries, Is.EqualTo(9));
            Assert.That(batch.Count(), Is.EqualTo(9));
            database.Write(batch);
        }

        Assert.That(Groups(database, shortFamily, StoreKey.Prefix("a")), Is.EqualTo(new[] { (1L, new[] { 1L, 7, 8 }) }));
        Assert.That(Groups(database, longFamily, StoreKey.Prefix("a")), Is.EqualTo(new[] { (5L, new[] { 5L }) }));
        Assert.That(Groups(database, shortFamily, StoreKey.Prefix("b")), Is.EqualTo(new[] { (3L, new[] { 3L }) }));
        // A trace's events with no correlation id are grouped under the trace; its references name the groups of the others once each.
        Assert.That(Groups(database, shortFamily, StoreKey.TracePrefix(First)), Is.EqualTo(new[] { (4L, new[] { 4L }) }));
        Assert.That(References(database, shortFamily, StoreKey.TracePrefix(First)), Is.EqualTo(new[] { (1L, new[] { (1L, LogEventLevel.Information) }) }));
        Assert.That(References(database, longFamily, StoreKey.TracePrefix(First)), Is.EqualTo(new[] { (5L, new[] { (5L, LogEventLevel.Error) }) }));
        Assert.That(Groups(database, shortFamily, StoreKey.TracePrefix(Second)), Is.EqualTo(new[] { (2L, new[] { 2L, 9 }) }));
        Assert.That(References(database, shortFamily, StoreKey.TracePrefix(Second)),
            Is.EqualTo(new[] { (6L, new[] { (6L, LogEventLevel.Information), (1L, LogEventLevel.Warning) }) }));
    }

    /// <summary>The writes as the store queues them: correlated events under their id (trace in the index key), the others under their trace.</summary>
    static PendingWrite[] Chunk()
    {
        var queue = new PendingWriteQueue(100);
        Span<byte> key = stackalloc byte[StoreKey.MaxKeyBytes];
        Span<byte> indexKey = stackalloc byte[StoreKey.MaxKeyBytes];
        foreach (var (sequence, trace, ttl, correlationId) in Writes)
        {
            var keyLength = correlationId is null ? StoreKey.WriteTrace(key, trace!.Value, sequence) : StoreKey.Write(key, correlationId, sequence);
            var indexKeyLength = trace is { } t && correlationId is not null ? StoreKey.WriteTrace(indexKey, t, sequence) : 0;
            var level = ttl == 3600 ? LogEventLevel.Error : sequence == 8 ? LogEventLevel.Warning : LogEventLevel.Information;
            var value = StoredEventCodec.Encode(Some.Event(level: level), DateTimeOffset.UtcNow.AddSeconds(ttl));
            queue.Add(sequence, key[..keyLength], value, indexKey[..indexKeyLength], new StoreFamily(ttl, 0));
        }
        return queue.Take(100)!;
    }

    /// <summary>Each group under the prefix: its key's sequence number and those of its events, every one of which decodes.</summary>
    static List<(long Key, long[] Events)> Groups(RocksDb database, ColumnFamilyHandle family, byte[] prefix) =>
        Entries(database, family, prefix, (keySequence, value) =>
        {
            Assert.That(StoredGroup.IsWellFormed(value), "a well-formed group");
            Assert.That(StoredEvents.TryOpen(value, keySequence, out var events, out _, out _));
            var sequences = new List<long>();
            while (events.TryNext(out var sequence, out _))
                sequences.Add(sequence);
            return sequences.ToArray();
        }, isGroup: true);

    /// <summary>Each reference entry under the prefix: its key's sequence number and the groups it names, with their level.</summary>
    static List<(long Key, (long Group, LogEventLevel Level)[] Groups)> References(RocksDb database, ColumnFamilyHandle family, byte[] prefix) =>
        Entries(database, family, prefix, (keySequence, value) =>
        {
            Assert.That(StoredReference.TryRead(value, out _, out var items));
            var groups = new List<(long, LogEventLevel)>();
            while (StoredReference.TryReadItem(ref items, out var level, out var groupKey))
            {
                Assert.That(StoreKey.TrySplit(groupKey, out _, out var sequence));
                groups.Add((sequence, level));
            }
            Assert.That(items.IsEmpty, "every item read");
            return groups.ToArray();
        }, isGroup: false);

    static List<(long, T)> Entries<T>(RocksDb database, ColumnFamilyHandle family, byte[] prefix, Func<long, byte[], T> read, bool isGroup)
    {
        var entries = new List<(long, T)>();
        using var iterator = database.NewIterator(family);
        for (iterator.Seek(prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next())
        {
            Assert.That(StoreKey.TryMatch(iterator.Key(), prefix, out var keySequence));
            if (StoredGroup.IsGroup(iterator.Value()) == isGroup)
                entries.Add((keySequence, read(keySequence, iterator.Value())));
        }
        return entries;
    }
}
