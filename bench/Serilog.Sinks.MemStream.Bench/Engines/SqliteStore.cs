using Microsoft.Data.Sqlite;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Bench.Engines;

/// <summary>
/// The embedded store a user would otherwise pick: SQLite through Microsoft.Data.Sqlite, WAL,
/// synchronous=NORMAL, 1,000-row transactions, an index on the correlation id.
/// </summary>
internal sealed class SqliteStore : IDisposable
{
    readonly SqliteConnection _connection;
    readonly SqliteCommand _query;

    public SqliteStore(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, correlation_id TEXT NOT NULL, level INTEGER NOT NULL, expires INTEGER NOT NULL, body BLOB NOT NULL);" +
                "CREATE INDEX IF NOT EXISTS events_by_correlation_id ON events (correlation_id, seq);");
        _query = _connection.CreateCommand();
        _query.CommandText = "SELECT body FROM events WHERE correlation_id = $id AND level >= $level AND expires > $now ORDER BY seq";
        _query.Parameters.Add("$id", SqliteType.Text);
        _query.Parameters.Add("$level", SqliteType.Integer);
        _query.Parameters.Add("$now", SqliteType.Integer);
        _query.Prepare();
    }

    public void Ingest(StoreCorpus corpus)
    {
        var expires = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();
        for (var start = 0; start < corpus.Count; start += 1000)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO events (seq, correlation_id, level, expires, body) VALUES ($seq, $id, $level, $expires, $body)";
            var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var level = insert.Parameters.Add("$level", SqliteType.Integer);
            insert.Parameters.AddWithValue("$expires", expires);
            var body = insert.Parameters.Add("$body", SqliteType.Blob);
            insert.Prepare();
            for (var i = start; i < Math.Min(start + 1000, corpus.Count); i++)
            {
                seq.Value = i + 1;
                id.Value = corpus.Ids[i];
                level.Value = corpus.Levels[i];
                body.Value = corpus.Values[i];
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>The id's events at or above the level, decoded with the same codec, in write order.</summary>
    public List<LogEvent> Query(string correlationId, LogEventLevel minLevel)
    {
        _query.Parameters["$id"].Value = correlationId;
        _query.Parameters["$level"].Value = (int)minLevel;
        _query.Parameters["$now"].Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var events = new List<LogEvent>();
        using var reader = _query.ExecuteReader();
        while (reader.Read())
        {
            if (StoredEventCodec.TryDecode((byte[])reader[0], out var logEvent))
                events.Add(logEvent!);
        }
        return events;
    }

    public void Dispose()
    {
        _query.Dispose();
        _connection.Dispose();
    }

    void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
