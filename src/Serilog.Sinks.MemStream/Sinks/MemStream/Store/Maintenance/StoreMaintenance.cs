using RocksDbSharp;
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
    readonly Timer _timer;
    readonly object _running = new();
    long _expiredRemoved;
    long _corruptRemoved;
    bool _disposed;

    /// <param name="database">The database the sink's families are in.</param>
    /// <param name="settings">The sink's store settings (its retentions name its current families).</param>
    /// <param name="currentEpoch">The epoch the store writes in now: its families are kept, empty or not.</param>
    public StoreMaintenance(SharedDatabase database, StoreSettings settings, Func<int> currentEpoch)
    {
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

        foreach (var (name, family, _) in database.FamiliesOf(sinkName))
        {
            if (database.Generation != generation)
                break; // a damaged database was replaced: these handles are gone
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var live = 0;
            using (database.Reading())
            {
                if (database.Generation != generation)
                    break;
                using var damaged = new WriteBatch();
                using (var iterator = database.Database.NewIterator(family))
                {
                    for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
                    {
                        switch (StoredEntryClassifier.Classify(iterator.GetKeySpan(), iterator.GetValueSpan(), now, out var events))
                        {
                            case StoredEntryKind.Damaged:
                                damaged.Delete(iterator.Key(), family);
                                corrupt++;
                                break;
                            case StoredEntryKind.Expired:
                                expired += events;
                                break;
                            case StoredEntryKind.Live or StoredEntryKind.LiveReferences:
                                live++; // a trace's references keep their family; their expiry is counted by their events
                                break;
                        }
                    }
                }
                database.Database.Write(damaged);
                database.Database.CompactRange((byte[]?)null, null, family);
            }

            if (live == 0 && !current.Contains(name) && IsEmpty(database, family, generation))
            {
                database.Drop(name);
                drained.Add(name);
            }
        }

        Interlocked.Add(ref _expiredRemoved, expired);
        Interlocked.Add(ref _corruptRemoved, corrupt);
        var sinkTag = MemStreamMetrics.SinkTag(sinkName);
        MemStreamMetrics.ExpiredRemoved.Add(expired, sinkTag);
        MemStreamMetrics.CorruptRemoved.Add(corrupt, sinkTag);
        return new MaintenanceReport(expired, corrupt, drained);
    }

    static bool IsEmpty(SharedDatabase database, ColumnFamilyHandle family, int generation)
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
