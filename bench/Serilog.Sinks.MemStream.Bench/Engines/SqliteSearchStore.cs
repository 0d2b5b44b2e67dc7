using Microsoft.Data.Sqlite;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Serilog.Sinks.MemStream.Bench.Engines;

/// <summary>
/// What a user would otherwise search: SQLite (WAL, synchronous=NORMAL, 1,000-row transactions, as
/// <see cref="SqliteStore"/>) with one row per event, its level, timestamp (Unix ms) and correlation id as columns,
/// the event itself as CLEF (so <c>json_extract</c> reads its properties), and an index on (level, timestamp).
/// Found rows are read back into LogEvents, as MemStream's search returns them, so both pay for decoding.
/// </summary>
internal sealed class SqliteSearchStore : IDisposable
{
    const string Newest = " ORDER BY seq DESC LIMIT $limit";
    const string ProblemsSql = "SELECT seq, clef FROM events WHERE level >= $level AND timestamp >= $from" + Newest;
    const string FilteredSql = "SELECT seq, clef FROM events WHERE level >= $level AND timestamp >= $from AND json_extract(clef, '$.StatusCode') >= $status" + Newest;

    readonly SqliteConnection _connection;
    readonly SqliteCommand _problems;
    readonly SqliteCommand _filtered;

    public SqliteSearchStore(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, level INTEGER NOT NULL, timestamp INTEGER NOT NULL, correlation_id TEXT NOT NULL, clef TEXT NOT NULL);" +
                "CREATE INDEX events_by_level_time ON events (level, timestamp);");
        _problems = Prepare(ProblemsSql);
        _filtered = Prepare(FilteredSql);
    }

    public void Ingest(SearchEvents events)
    {
        var formatter = new CompactJsonFormatter();
        var clef = new StringWriter();
        for (var start = 0; start < events.Count; start += 1000)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO events (seq, level, timestamp, correlation_id, clef) VALUES ($seq, $level, $timestamp, $id, $clef)";
            var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
            var level = insert.Parameters.Add("$level", SqliteType.Integer);
            var timestamp = insert.Parameters.Add("$timestamp", SqliteType.Integer);
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var text = insert.Parameters.Add("$clef", SqliteType.Text);
            insert.Prepare();
            for (var i = start; i < Math.Min(start + 1000, events.Count); i++)
            {
                var logEvent = events.Event(i);
                clef.GetStringBuilder().Clear();
                formatter.Format(logEvent, clef);
                seq.Value = i + 1;
                level.Value = (int)logEvent.Level;
                timestamp.Value = logEvent.Timestamp.ToUnixTimeMilliseconds();
                id.Value = SearchEvents.CorrelationId(i);
                text.Value = clef.ToString();
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        Execute("PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <summary>The newest events at or above the level since <paramref name="from"/>.</summary>
    public List<MemStreamStoredEvent> Problems(LogEventLevel minLevel, DateTimeOffset from, int limit) =>
        Read(_problems, minLevel, from, limit, status: null);

    /// <summary>The newest events at or above the level since <paramref name="from"/> whose StatusCode is at least <paramref name="status"/>.</summary>
    public List<MemStreamStoredEvent> WithStatus(LogEventLevel minLevel, DateTimeOffset from, int status, int limit) =>
        Read(_filtered, minLevel, from, limit, status);

    /// <summary>How SQLite runs each search, for the table's note.</summary>
    public (string Problems, string Filtered) Plans() => (Plan(ProblemsSql), Plan(FilteredSql));

    public void Dispose()
    {
        _problems.Dispose();
        _filtered.Dispose();
        _connection.Dispose();
    }

    static List<MemStreamStoredEvent> Read(SqliteCommand command, LogEventLevel minLevel, DateTimeOffset from, int limit, int? status)
    {
        command.Parameters["$level"].Value = (int)minLevel;
        command.Parameters["$from"].Value = from.ToUnixTimeMilliseconds();
        command.Parameters["$limit"].Value = limit;
        if (status is { } least)
            command.Parameters["$status"].Value = least;
        var found = new List<MemStreamStoredEvent>(limit);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (ClefEventReader.TryRead(reader.GetString(1), out var logEvent))
                found.Add(new MemStreamStoredEvent(reader.GetInt64(0), logEvent!));
        }
        return found;
    }

    SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$level", SqliteType.Integer);
        command.Parameters.Add("$from", SqliteType.Integer);
        command.Parameters.Add("$limit", SqliteType.Integer);
        if (sql.Contains("$status", StringComparison.Ordinal))
            command.Parameters.Add("$status", SqliteType.Integer);
        command.Prepare();
        return command;
    }

    string Plan(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in new[] { "$level", "$from", "$limit", "$status" })
            command.Parameters.AddWithValue(name, 0);
        var steps = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            steps.Add(reader.GetString(3));
        return string.Join("; ", steps);
    }

    void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
