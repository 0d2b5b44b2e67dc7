using Serilog.Debugging;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The store's periodic upkeep: deletes entries that cannot be decoded (<see cref="StoredEntryClassifier"/>: a trace's references are
/// decodable when each reads; one whose group was deleted is skipped by queries and expires with it), compacts each family so
/// that RocksDB's TTL filter removes expired entries and returns their disk space, and drops
/// families of an earlier configuration or an earlier <see cref="KeyEpoch"/> once they are empty.
/// </summary>
internal sealed class StoreMaintenance : IDisposable
{
    readonly SharedDatabase _database;
    readonly StoreSettings _settings;
    readonly Func<int> _currentEpoch;
    readonly Action<Exception> _damageFound;
    readonly Timer _timer;
    readonly object _running = new();
    long _expiredRemoved;
    long _corruptRemoved;
    bool _disposed;

    /// <param name="database">The database the sink's families are in.</param>
    /// <param name="settings">The sink's store settings (its retentions name its current families).</param>
    /// <param name="currentEpoch">The epoch the store writes in now: its families are kept, empty or not.</param>
    /// <param name="damageFound">Told when reading the families found damaged files. A log family's files are moved down
    /// RocksDB's levels without being read again, so this pass, which reads every entry, is where such damage shows.</param>
    public StoreMaintenance(SharedDatabase database, StoreSettings settings, Func<int> currentEpoch, Action<Exception> damageFound)
    {
        _damageFound = damageFound;
        _database = database;
        _settings = settings;
        _currentEpoch = currentEpoch;
        _timer = new Timer(_ => RunOnSchedule(), null, settings.MaintenanceInterval, settings.MaintenanceInterval);
    }

    public long ExpiredRemoved => Interlocked.Read(ref _expiredRemoved);

    public long CorruptRemoved => Interlocked.Read(ref _corruptRemoved);

    public MaintenanceReport RunNow()
    {
        lock (_running)
        {
            if (_disposed)
                return new MaintenanceReport(0, 0, []);
            var report = Run();
            SelfLog.WriteLine("MemStream (debug): store maintenance at {0}: {1}", _database.Path,
                $"{report.Expired} expired and {report.Corrupt} undecodable entries removed, {report.DroppedFamilies.Count} drained families dropped");
            return report;
        }
    }

    public void Dispose()
    {
        lock (_running)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    void RunOnSchedule()
    {
        try
        {
            RunNow();
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("MemStream: store maintenance at {0} failed: {1}", _database.Path, ex);
        }
    }

    MaintenanceReport Run()
    {
        var database = _database;
        var sinkName = _settings.SinkName;
        var epoch = _currentEpoch();
        var current = _settings.Retention.DistinctTtlSeconds.Select(ttl => FamilyName.For(new StoreFamily(ttl, epoch), sinkName)).ToHashSet();
        long expired = 0, corrupt = 0;
        var drained = new List<string>();
        var generation = database.Generation;

        foreach (var family in database.FamiliesOf(sinkName))
        {
            if (database.Generation != generation)
                break; // a damaged database was replaced: these handles are gone
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var live = 0;
            Exception? damage = null;
            using (database.Reading())
            {
                if (database.Generation != generation)
                    break;
                try
                {
                    var index = Sweep(database, family.Index, now);
                    // Compacting the index whole lets RocksDB's TTL filter drop what expired. It holds two small entries
                    // per request, so under heavy load this pass rewrites hundreds of MiB (not yet measured: the bench's
                    // growth run ends before the first pass).
                    database.Database.CompactRange(null, null, family.Index);
                    live += index.Live;
                    expired += index.Expired;
                    corrupt += index.Corrupt;
                    if (family.Log is { } log)
                    {
                        var groups = Sweep(database, log, now);
                        // The log is in write order, so what expired is a prefix of it: only that range is rewritten.
                        if (groups.ExpiredUntil is { } end)
                            database.Database.CompactRange(null, end, log);
                        live += groups.Live;
                        expired += groups.Expired;
                        corrupt += groups.Corrupt;
                    }
                }
                catch (RocksException ex) when (StoreFailure.IsDamage(ex))
                {
                    damage = ex;
                }
            }
            if (damage is not null)
            {
                // Outside the read lock: starting afresh takes the write side.
                _damageFound(damage);
                break;
            }

            if (live == 0 && !current.Contains(family.Name) && IsEmpty(database, family.Index, generation)
                && (family.Log is null || IsEmpty(database, family.Log, generation)))
            {
                database.Drop(family, sinkName);
                drained.Add(family.Name);
            }
        }

        Interlocked.Add(ref _expiredRemoved, expired);
        Interlocked.Add(ref _corruptRemoved, corrupt);
        var sinkTag = MemStreamMetrics.SinkTag(sinkName);
        MemStreamMetrics.ExpiredRemoved.Add(expired, sinkTag);
        MemStreamMetrics.CorruptRemoved.Add(corrupt, sinkTag);
        return new MaintenanceReport(expired, corrupt, drained);
    }

    /// <summary>What one family holds, its damaged entries deleted; for a log, the key below which every group has expired (null if none has).</summary>
    static (int Live, long Expired, long Corrupt, byte[]? ExpiredUntil) Sweep(SharedDatabase database, RocksFamily family, long now)
    {
        var live = 0;
        long expired = 0, corrupt = 0;
        byte[]? expiredUntil = null;
        var allExpiredSoFar = true;
        using var damaged = new RocksWriteBatch();
        using (var iterator = database.Database.NewIterator(family))
        {
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                var kind = StoredEntryClassifier.Classify(iterator.GetKeySpan(), iterator.GetValueSpan(), now, out var events);
                if (kind == StoredEntryKind.Damaged)
                {
                    damaged.Delete(iterator.Key(), family);
                    corrupt++;
                    continue;
                }
                if (kind == StoredEntryKind.Expired)
                    expired += events;
                else if (kind is StoredEntryKind.Live or StoredEntryKind.LiveIndex)
                    live++; // a live index entry keeps its family; expiry is counted by events
                if (allExpiredSoFar && kind != StoredEntryKind.Expired)
                {
                    allExpiredSoFar = false;
                    expiredUntil = expired > 0 ? iterator.Key() : null;
                }
            }
            // An iterator stops at a block it cannot read; only its status says so.
            iterator.ThrowIfFailed();
        }
        if (allExpiredSoFar && expired > 0)
            expiredUntil = [0xFF]; // every group expired: above every log key
        database.Database.Write(damaged);
        return (live, expired, corrupt, expiredUntil);
    }

    static bool IsEmpty(SharedDatabase database, RocksFamily family, int generation)
    {
        using (database.Reading())
        {
            if (database.Generation != generation)
                return false;
            using var iterator = database.Database.NewIterator(family);
            iterator.SeekToFirst();
            return !iterator.Valid();
        }
    }
}
