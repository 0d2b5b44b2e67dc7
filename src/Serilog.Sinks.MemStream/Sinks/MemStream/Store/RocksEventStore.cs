using System.Buffers.Binary;
using System.Text;
using Serilog.Debugging;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One sink's part of a <see cref="SharedDatabase"/>: its own TTL families and sequence number.
/// Events with a correlation id or (with <see cref="StoreSettings.IndexTraceId"/>) a trace id are encoded, queued (bounded, <see cref="PendingWriteQueue"/>) and
/// written by a background thread in WriteBatches, grouped by id (<see cref="GroupedBatchWriter"/>); each batch also records the sink's sequence
/// number, atomically.
/// </summary>
internal sealed class RocksEventStore : IEventStore
{
    const int BatchSize = 1000;
    static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    // RocksDB checks every 5 s whether a full disk has room again, so retrying faster gains nothing.
    static readonly TimeSpan LastRetryDelay = TimeSpan.FromSeconds(5);

    readonly SharedDatabase _database;
    readonly StoreSettings _settings;
    readonly byte[] _sequenceKey;
    readonly PendingWriteQueue _pending;
    readonly Thread _writer;
    readonly StoreMaintenance _maintenance;
    readonly StoreQueries _queries;
    readonly GroupedBatchWriter _groups = new();
    Dictionary<StoreFamily, FamilyHandles> _families;
    int _familiesGeneration;
    readonly KeyValuePair<string, object?> _sinkTag;
    long _highestSequence;
    readonly OverflowReporter _overflow;
    long _stored;
    long _writtenThrough;
    long _writeFailures;
    string? _failure;
    string? _damage;
    int _disposed;

    internal RocksEventStore(SharedDatabase database, StoreSettings settings)
    {
        _database = database;
        _settings = settings;
        _sequenceKey = StoreKey.SequenceKey(settings.SinkName);
        _sinkTag = MemStreamMetrics.SinkTag(settings.SinkName);
        using (database.Reading())
            LastSequence = ReadSequence();
        _writtenThrough = LastSequence;
        _highestSequence = LastSequence;
        _pending = new PendingWriteQueue(settings.QueueLimit);
        _overflow = new OverflowReporter(
            $"MemStream: the store's queue is full ({settings.QueueLimit} events waiting for the disk); events are not stored until it drains",
            "MemStream: the store's queue drained; {0} events were not stored while it was full");
        // Maintenance drops only families of earlier configurations and epochs, so these handles stay valid until
        // a damaged database is replaced by a fresh one (a new generation), which has families of the same names.
        // A new epoch's families are added by the writer when its first event comes.
        var epoch = KeyEpoch.Of(LastSequence + 1);
        _families = settings.Retention.DistinctTtlSeconds.Select(ttl => new StoreFamily(ttl, epoch))
            .ToDictionary(family => family, family => _database.Family(family, settings.SinkName));
        // The first write looks the handles up again under the lock: another sink may start afresh in between.
        _familiesGeneration = -1;

        _writer = new Thread(WriteLoop) { IsBackground = true, Name = $"MemStream store writer ({settings.SinkName ?? "default"})" };
        _writer.Start();
        _queries = new StoreQueries(database, settings);
        _maintenance = new StoreMaintenance(database, settings, () => KeyEpoch.Of(Volatile.Read(ref _highestSequence) + 1), DamageFound);
    }

    public long LastSequence { get; }

    internal SharedDatabase Database => _database;

    /// <summary>
    /// Queues the event's write if it has a correlation id or a trace id to be indexed. An event is kept
    /// once, in a group of its correlation id or, without one, of its trace id; its trace id (if indexed) gets a
    /// reference to that group. The writer groups a chunk's events by those keys (<see cref="GroupedBatchWriter"/>).
    /// Called only by the sink's worker.
    /// </summary>
    public void Add(MemStreamEvent memStreamEvent)
    {
        Volatile.Write(ref _highestSequence, memStreamEvent.Sequence);
        if (_pending.IsClosed)
            return;
        var logEvent = memStreamEvent.LogEvent;
        var correlationId = CorrelationIdOf(logEvent);
        var traceId = _settings.IndexTraceId ? TraceIdText.Of(logEvent) : null;
        if (correlationId is null && traceId is null)
        {
            // Not stored: nothing to wait for, once every event before it is written.
            if (_pending.Pending == 0)
                RaiseWrittenThrough(memStreamEvent.Sequence);
            return;
        }
        if (Volatile.Read(ref _damage) is not null)
        {
            Interlocked.Increment(ref _writeFailures);
            MemStreamMetrics.StoreDrops.Add(1, _sinkTag, new KeyValuePair<string, object?>("reason", "store-damaged"));
            return;
        }
        if (_pending.IsFull)
        {
            // Not encoded: during a full disk that would be work only to drop it.
            _overflow.Overflowed();
            MemStreamMetrics.StoreDrops.Add(1, _sinkTag, new KeyValuePair<string, object?>("reason", "queue-full"));
            return;
        }

        _overflow.Accepted();
        // Encoded here, on the sink's worker, into the queue's slabs rather than queued as a LogEvent
        // graph: a backlog of millions then costs the GC little.
        var ttl = _settings.Retention.TtlSeconds(logEvent.Level);
        // Keys hold ten digits: the number within the sequence's epoch, whose families the event goes to.
        var sequence = KeyEpoch.InKey(memStreamEvent.Sequence);
        var family = new StoreFamily(ttl, KeyEpoch.Of(memStreamEvent.Sequence));
        Span<byte> key = stackalloc byte[StoreKey.MaxKeyBytes];
        Span<byte> indexKey = stackalloc byte[StoreKey.MaxKeyBytes];
        int keyLength, indexKeyLength = 0;
        if (correlationId is not null)
        {
            keyLength = StoreKey.Write(key, correlationId, sequence);
            if (traceId is { } indexed)
                indexKeyLength = StoreKey.WriteTrace(indexKey, indexed, sequence);
        }
        else
        {
            // Grouped under the trace, and found through the trace's references like the trace's other events.
            keyLength = indexKeyLength = StoreKey.WriteTrace(key, traceId!.Value, sequence);
            key[..keyLength].CopyTo(indexKey);
        }
        var value = StoredEventCodec.EncodeToScratch(logEvent, DateTimeOffset.UtcNow.AddSeconds(ttl));
        _pending.Add(sequence, key[..keyLength], value, indexKey[..indexKeyLength], family);
    }

    /// <summary>
    /// Returns once every event added before the call is durable, or at once while writes fail:
    /// those events wait in the queue for the disk, and <see cref="Statistics"/> says so.
    /// </summary>
    public void Flush()
    {
        if (!_pending.WaitUntilWritten(_pending.Enqueued, () => _writer.IsAlive && Volatile.Read(ref _failure) is null)
            || Volatile.Read(ref _damage) is not null)
            return;
        // One synced write makes everything written before it durable, even across a power loss.
        WriteSequenceSynced();
    }

    public MemStreamSearchPage Search(MemStreamQuery query) => _queries.Search(query);

    public IReadOnlyList<string> CorrelationIds() => _queries.CorrelationIds();

    public StoreStatistics Statistics()
    {
        var damage = Volatile.Read(ref _damage);
        var failure = Volatile.Read(ref _failure);
        return new StoreStatistics
        {
            State = damage is not null ? MemStreamStoreState.Unavailable : failure is null ? MemStreamStoreState.Open : MemStreamStoreState.Failing,
            Message = damage ?? failure,
            Path = _database.Path,
            QueuePending = _pending.Pending,
            QueueCapacity = _pending.Limit,
            QueueOverflowed = _overflow.Total,
            EventsStored = Interlocked.Read(ref _stored),
            WriteFailures = Interlocked.Read(ref _writeFailures),
            ExpiredRemoved = _maintenance.ExpiredRemoved,
            CorruptRemoved = _maintenance.CorruptRemoved,
        };
    }

    /// <summary>Runs one maintenance pass now (it also runs on its interval).</summary>
    internal MaintenanceReport RunMaintenance() => _maintenance.RunNow();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _pending.Close();
        _maintenance.Dispose();
        _writer.Join();
        if (Volatile.Read(ref _damage) is null)
            WriteSequenceSynced();
        DatabaseRegistry.Release(_database);
    }

    string? CorrelationIdOf(LogEvent logEvent) => CorrelationIdText.Of(logEvent, _settings.CorrelationIdProperty);

    void WriteLoop()
    {
        while (_pending.Take(BatchSize) is { } chunk)
        {
            try
            {
                WriteUntilStored(chunk);
            }
            catch (Exception ex)
            {
                // A thread of MemStream's own must never take the application down; the store is given up instead.
                GiveUp(chunk, ex);
            }
            RaiseWrittenThrough(chunk.Max(write => KeyEpoch.FromKey(write.Family.Epoch, write.Sequence)));
            _pending.MarkWritten(chunk);
        }
    }

    /// <summary>
    /// Every event up to this sequence number that the store takes is written (readable), or was given up: what a search
    /// that must not miss nor repeat events of a live tail counts through. The sink's newest number when nothing waits.
    /// </summary>
    public long WrittenThrough => Interlocked.Read(ref _writtenThrough);

    void RaiseWrittenThrough(long sequence)
    {
        var seen = Interlocked.Read(ref _writtenThrough);
        while (sequence > seen && Interlocked.CompareExchange(ref _writtenThrough, sequence, seen) is var was && was != seen)
            seen = was;
    }

    /// <summary>
    /// Writes the chunk, retrying with back-off while the disk refuses it (full, or RocksDB waiting
    /// to recover from a background error), so nothing queued is lost to a passing outage. Meanwhile
    /// the queue fills and its overflow is counted. Only closing the store gives a chunk up.
    /// </summary>
    void WriteUntilStored(PendingWrite[] chunk)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            var failure = TryWrite(chunk, out var generation);
            if (failure is not null and not RocksException and not StoreLostException)
            {
                // Not the disk's answer but a fault of MemStream's own: retrying would repeat it forever.
                GiveUp(chunk, failure);
                return;
            }
            if (failure is StoreLostException || (failure is not null && StoreFailure.IsDamage(failure)))
            {
                // RocksDB fails every write after it finds damaged files, until the database is closed:
                // retrying cannot help. Start fresh if a sink opted in, else give the store up.
                if (_database.StartFresh(generation, failure))
                    continue;
                GiveUp(chunk, failure);
                return;
            }
            if (failure is null)
            {
                if (Volatile.Read(ref _failure) is not null)
                {
                    Volatile.Write(ref _failure, null);
                    SelfLog.WriteLine("MemStream: writing to the store at {0} works again", _database.Path);
                }
                return;
            }

            if (Interlocked.Exchange(ref _failure, failure.Message) is null)
                SelfLog.WriteLine("MemStream: writing to the store at {0} failed; events wait in the store's queue and are retried until a write succeeds: {1}", _database.Path, failure.Message);
            if (!_pending.WaitBeforeRetry(delay))
            {
                Interlocked.Add(ref _writeFailures, chunk.Length);
                MemStreamMetrics.StoreDrops.Add(chunk.Length, _sinkTag, new KeyValuePair<string, object?>("reason", "write-failed"));
                SelfLog.WriteLine("MemStream: the store at {0} closed while writes failed; {1} events were not stored: {2}", _database.Path, chunk.Length, failure.Message);
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetryDelay.Ticks));
        }
    }

    /// <summary>Damage that a read found (maintenance): as when a write finds it, start afresh if a sink opted in, else give the store up.</summary>
    void DamageFound(Exception damage)
    {
        if (!_database.StartFresh(_database.Generation, damage))
            GiveUp([], damage);
    }

    void GiveUp(PendingWrite[] chunk, Exception failure)
    {
        Interlocked.Add(ref _writeFailures, chunk.Length);
        MemStreamMetrics.StoreDrops.Add(chunk.Length, _sinkTag, new KeyValuePair<string, object?>("reason", "store-damaged"));
        var reason = StoreFailure.Explain(_database.Path, failure);
        if (Interlocked.Exchange(ref _damage, reason) is null)
            SelfLog.WriteLine("MemStream: the store at {0} was {1} while running, so this sink no longer stores events: {2}",
                _database.Path, StoreFailure.IsDamage(failure) ? "found damaged" : "lost", reason);
    }

    /// <summary>Writes the chunk and the sink's sequence number in one batch; the failure, or null.</summary>
    Exception? TryWrite(PendingWrite[] chunk, out int generation)
    {
        var highest = Volatile.Read(ref _highestSequence);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        generation = -1;
        try
        {
            AddNewFamilies(chunk);
            using var batch = new RocksWriteBatch();
            using (_database.Reading())
            {
                generation = _database.Generation;
                if (_database.IsLost)
                    return new StoreLostException(_database.Path);
                if (_familiesGeneration != generation)
                {
                    _families = _families.Keys.ToDictionary(family => family, family => new FamilyHandles(
                        _database.Database.GetFamily(FamilyName.For(family, _settings.SinkName)),
                        _database.Database.GetFamily(FamilyName.ForLog(family, _settings.SinkName))));
                    _familiesGeneration = generation;
                }
                _groups.AddTo(batch, chunk, _families);
                batch.Put(_sequenceKey, SequenceBytes(highest), _database.MetadataFamily);
                _database.Database.Write(batch);
            }
        }
        catch (Exception ex)
        {
            return ex;
        }
        Interlocked.Add(ref _stored, chunk.Length);
        MemStreamMetrics.EventsStored.Add(chunk.Length, _sinkTag);
        MemStreamMetrics.StoreWriteDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, _sinkTag);
        return null;
    }

    /// <summary>
    /// Creates the families of a chunk's events that do not exist yet (a new epoch's), before the write takes
    /// the database's read lock: creating a family takes its write lock.
    /// </summary>
    void AddNewFamilies(PendingWrite[] chunk)
    {
        foreach (var pending in chunk)
        {
            if (_families.ContainsKey(pending.Family))
                continue;
            _families = new Dictionary<StoreFamily, FamilyHandles>(_families) { [pending.Family] = _database.Family(pending.Family, _settings.SinkName) };
            SelfLog.WriteLine("MemStream (debug): the store at {0} began key epoch {1} (sequence numbers above {2})",
                _database.Path, pending.Family.Epoch, pending.Family.Epoch * KeyEpoch.Length);
        }
    }

    long ReadSequence()
    {
        var stored = _database.Database.Get(_sequenceKey, _database.MetadataFamily);
        return stored is { Length: 8 } ? BinaryPrimitives.ReadInt64LittleEndian(stored) : 0;
    }

    void WriteSequenceSynced()
    {
        var highest = Volatile.Read(ref _highestSequence);
        try
        {
            using var batch = new RocksWriteBatch();
            using (_database.Reading())
            {
                if (_database.IsLost)
                    return;
                batch.Put(_sequenceKey, SequenceBytes(highest), _database.MetadataFamily);
                _database.Database.Write(batch, sync: true);
            }
        }
        catch (Exception ex)
        {
            if (Interlocked.Exchange(ref _failure, ex.Message) is null)
                SelfLog.WriteLine("MemStream: recording the sequence number in the store at {0} failed: {1}", _database.Path, ex.Message);
        }
    }

    static byte[] SequenceBytes(long sequence)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, sequence);
        return bytes;
    }
}
