using System.Diagnostics;
using Serilog.Sinks.MemStream.Bench.Support;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Bench.Engines;

/// <summary>
/// The store writer thread's own work without the sink around it: chunks of encoded events, as the sink queues them,
/// turned into one write batch each by <see cref="GroupedBatchWriter"/> (which adds the search index) and written to a
/// database of the harness's own, as <c>RocksEventStore</c> does (less its one sequence-number entry). Two harnesses
/// taking turns chunk by chunk time a change to the writer (the search index on and off) with the machine's drift
/// hitting both alike, where whole sink runs on a loaded machine vary by more than the change.
/// </summary>
internal sealed class StoreWriterHarness : IDisposable
{
    const int TtlSeconds = 86_400;
    const string SinkName = "bench-writer";
    static readonly StoreFamily Family = new(TtlSeconds, Epoch: 0);

    readonly SharedDatabase _database;
    readonly Dictionary<StoreFamily, FamilyHandles> _families;
    readonly GroupedBatchWriter _writer = new();

    public StoreWriterHarness(string path)
    {
        _database = SharedDatabase.Open(path, StoreMemory.DefaultBudgetBytes);
        _families = new() { [Family] = _database.Family(Family, SinkName) };
    }

    /// <summary>The events encoded and keyed as the sink queues them (sequence numbers from 1), in chunks of the writer's batch size.</summary>
    public static PendingWrite[][] Chunks(SearchEvents events, int chunkSize)
    {
        var expires = DateTimeOffset.UtcNow.AddSeconds(TtlSeconds);
        var chunks = new List<PendingWrite[]>();
        Span<byte> key = stackalloc byte[StoreKey.MaxKeyBytes];
        for (var start = 0; start < events.Count; start += chunkSize)
        {
            var chunk = new PendingWrite[Math.Min(chunkSize, events.Count - start)];
            for (var j = 0; j < chunk.Length; j++)
            {
                var sequence = start + j + 1L;
                var keyLength = StoreKey.Write(key, SearchEvents.CorrelationId(start + j), sequence);
                var value = StoredEventCodec.EncodeToScratch(events.Event(start + j), expires);
                var slab = new byte[keyLength + value.Length];
                key[..keyLength].CopyTo(slab);
                value.CopyTo(slab.AsSpan(keyLength));
                chunk[j] = new PendingWrite(sequence, slab, 0, keyLength, value.Length, 0, Family);
            }
            chunks.Add(chunk);
        }
        return [.. chunks];
    }

    /// <summary>
    /// Writes one chunk as the store's writer thread does; returns the CPU time that took on this thread (a single
    /// writer's RocksDB write runs on its own thread), which the machine's other work does not stretch, or where that
    /// cannot be read the wall time.
    /// </summary>
    public TimeSpan Write(PendingWrite[] chunk)
    {
        var cpu = ThreadCpu.OfCurrentThread();
        var started = Stopwatch.GetTimestamp();
        using (var batch = new RocksWriteBatch())
        {
            _writer.AddTo(batch, chunk, _families);
            _database.Database.Write(batch);
        }
        return ThreadCpu.OfCurrentThread() - cpu ?? Stopwatch.GetElapsedTime(started);
    }

    public void Dispose() => _database.Dispose();
}
