using Serilog.Debugging;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Reads ranges of the fleet's stream with every entry over <see cref="FleetEntryFormat.MaxEntryBytes"/> left in
/// Redis: a script replaces it by its size (<see cref="OversizeField"/>) before the answer leaves the server, so an
/// entry of 60 MB costs the reading process a few bytes, not a copy per read. Where Redis refuses scripts (an
/// ACL without EVAL), it reads with plain XRANGE, says so once in SelfLog, and the reader skips such entries
/// after reading them.
/// </summary>
internal sealed class FleetStreamRange(IConnectionMultiplexer redis, FleetKeys keys)
{
    /// <summary>The one field of an entry the script left in Redis: its size in bytes.</summary>
    public const string OversizeField = "memstream-oversize";

    const string Script = """
        local entries
        if ARGV[4] == '1' then
          entries = redis.call('XREVRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
        else
          entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
        end
        local cap = tonumber(ARGV[5])
        for i = 1, #entries do
          local size = 0
          local fields = entries[i][2]
          for j = 1, #fields do size = size + #fields[j] end
          if size > cap then entries[i][2] = { 'memstream-oversize', tostring(size) } end
        end
        return entries
        """;

    int _scriptsRefused;

    /// <summary>
    /// Up to <paramref name="count"/> entries from <paramref name="start"/> to <paramref name="end"/>, in the order of
    /// XRANGE's arguments, or of XREVRANGE's when <paramref name="descending"/> (newest first: start is the higher id).
    /// </summary>
    public async Task<StreamEntry[]> ReadAsync(RedisValue start, RedisValue end, int count, bool descending = false)
    {
        if (Volatile.Read(ref _scriptsRefused) == 0)
        {
            try
            {
                var result = await redis.GetDatabase().ScriptEvaluateAsync(Script, [keys.Events],
                    [start, end, count, descending ? "1" : "0", FleetEntryFormat.MaxEntryBytes]);
                return ToEntries(result);
            }
            catch (RedisServerException ex) when (IsScriptRefused(ex))
            {
                if (Interlocked.Exchange(ref _scriptsRefused, 1) == 0)
                    SelfLog.WriteLine("MemStream: the fleet's Redis refuses scripts ({0}); the fleet tail reads the stream with XRANGE, and an entry over {1} bytes is read before it is skipped", ex.Message, FleetEntryFormat.MaxEntryBytes);
            }
        }
        // StackExchange.Redis takes the lower id first either way (and sends XREVRANGE with them swapped).
        return descending
            ? await redis.GetDatabase().StreamRangeAsync(keys.Events, end, start, count, Order.Descending)
            : await redis.GetDatabase().StreamRangeAsync(keys.Events, start, end, count);
    }

    /// <summary>
    /// Whether Redis refuses scripts themselves (an ACL without EVAL, a service without scripting), as against
    /// failing now (loading, busy, failing over: the follower tries again, with the script).
    /// </summary>
    static bool IsScriptRefused(RedisServerException ex) =>
        ex.Message.StartsWith("NOPERM", StringComparison.Ordinal) || ex.Message.Contains("unknown command", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("not allowed", StringComparison.OrdinalIgnoreCase);

    /// <summary>The script's answer, <c>[[id, [field, value, …]], …]</c>, as the entries XRANGE gives.</summary>
    static StreamEntry[] ToEntries(RedisResult result)
    {
        var entries = (RedisResult[])result!;
        var read = new StreamEntry[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = (RedisResult[])entries[i]!;
            var fields = (RedisResult[])entry[1]!;
            var values = new NameValueEntry[fields.Length / 2];
            for (var j = 0; j < values.Length; j++)
                values[j] = new NameValueEntry((RedisValue)fields[2 * j], (RedisValue)fields[2 * j + 1]);
            read[i] = new StreamEntry((RedisValue)entry[0], values);
        }
        return read;
    }
}
