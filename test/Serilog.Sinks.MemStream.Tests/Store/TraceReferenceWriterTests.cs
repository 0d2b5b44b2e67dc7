using System.Diagnostics;
using RocksDbSharp;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>The writer's trace index, on one chunk of writes into a real RocksDB: one entry per trace and family, listing its events in order.</summary>
public class TraceReferenceWriterTests
{
    [Test]
    public void AChunkGetsOneEntryPerTraceAndFamilyKeyedByItsLastEventListingItsEventsInOrder()
    {
        using var folder = new TempFolder();
        var families = new ColumnFamilies { { "short", new ColumnFamilyOptions() }, { "long", new ColumnFamilyOptions() } };
        using var database = RocksDb.Open(new DbOptions().SetCreateIfMissing().SetCreateMissingColumnFamilies(), folder.Path, families);
        var familyByTtl = new Dictionary<int, ColumnFamilyHandle> { [60] = database.GetColumnFamily("short"), [3600] = database.GetColumnFamily("long") };
        var (first, second) = (ActivityTraceId.CreateRandom(), ActivityTraceId.CreateRandom());
        // Sequence, trace (or none), TTL, correlation id (or none): two traces interleaved, one across two families.
        var writes = new (long Sequence, ActivityTraceId? Trace, int Ttl, string? CorrelationId)[]
        {
            (1, first, 60, "a"), (2, second, 60, null), (3, null, 60, "b"), (4, first, 60, null), (5, first, 3600, "a"), (6, second, 60, "c"), (7, first, 60, "a"),
        };
        var queue = new PendingWriteQueue(100);
        Span<byte> key = stackalloc byte[StoreKey.MaxKeyBytes];
        Span<byte> indexKey = stackalloc byte[StoreKey.MaxKeyBytes];
        foreach (var (sequence, trace, ttl, correlationId) in writes)
        {
            var keyLength = correlationId is null ? StoreKey.WriteUncorrelated(key, sequence) : StoreKey.Write(key, correlationId, sequence);
            var indexKeyLength = trace is { } t ? StoreKey.WriteTrace(indexKey, t, sequence) : 0;
            var value = StoredEventCodec.Encode(Some.Event(level: ttl == 60 ? LogEventLevel.Information : LogEventLevel.Error), DateTimeOffset.UtcNow.AddSeconds(ttl));
            queue.Add(key[..keyLength], value, indexKey[..indexKeyLength], new StoreFamily(ttl, 0));
        }
        var chunk = queue.Take(100)!;

        using (var batch = new WriteBatch())
        {
            new TraceReferenceWriter().AddTo(batch, chunk, familyByTtl.ToDictionary(f => new StoreFamily(f.Key, 0), f => f.Value));
            Assert.That(batch.Count(), Is.EqualTo(3), "first in each family, second: one entry each");
            database.Write(batch);
        }

        Assert.That(References(database, familyByTtl[60], StoreKey.TracePrefix(first)), Is.EqualTo(new[] { (7L, new[] { 1L, 4, 7 }) }));
        Assert.That(References(database, familyByTtl[3600], StoreKey.TracePrefix(first)), Is.EqualTo(new[] { (5L, new[] { 5L }) }));
        Assert.That(References(database, familyByTtl[60], StoreKey.TracePrefix(second)), Is.EqualTo(new[] { (6L, new[] { 2L, 6 }) }));
    }

    /// <summary>Each entry under the prefix: its key's sequence number and those of the events it lists.</summary>
    static List<(long Key, long[] Events)> References(RocksDb database, ColumnFamilyHandle family, byte[] prefix)
    {
        var entries = new List<(long, long[])>();
        using var iterator = database.NewIterator(family);
        for (iterator.Seek(prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next())
        {
            Assert.That(StoreKey.TryMatch(iterator.Key(), prefix, out var keySequence));
            Assert.That(StoredReference.TryRead(iterator.Value(), out _, out var items));
            var events = new List<long>();
            while (StoredReference.TryReadItem(ref items, out _, out var eventKey))
            {
                Assert.That(StoreKey.TrySplit(eventKey, out _, out var sequence));
                events.Add(sequence);
            }
            Assert.That(items.IsEmpty, "every item read");
            entries.Add((keySequence, events.ToArray()));
        }
        return entries;
    }
}
