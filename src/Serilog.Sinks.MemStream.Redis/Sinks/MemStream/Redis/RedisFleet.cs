using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Serilog.Debugging;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// One instance's part in its app's fleet, for the host's lifetime: the Redis connection (which never stops
/// the app from starting: StackExchange.Redis connects, and reconnects, in the background), the publisher,
/// the heartbeat and the query responder; and what <c>MapMemStream()</c> asks of the fleet.
/// </summary>
internal sealed class RedisFleet(string redisConfiguration, MemStreamFleetOptions options) : IHostedService, IMemStreamFleet, IAsyncDisposable
{
    readonly FleetKeys _keys = new(options.App!);
    readonly CancellationTokenSource _stopping = new();
    ConnectionMultiplexer? _redis;
    FleetHeartbeat? _heartbeat;
    FleetQueryResponder? _responder;
    FleetQueryClient? _queries;
    FleetStreamFollower? _follower;
    Task _running = Task.CompletedTask;
    int _disposed;
    int _started;

    public MemStreamFleetOptions Options => options;

    public FleetCounters Counters { get; } = new();

    public bool IsConnected => _redis?.IsConnected ?? false;

    public string? Unavailable => _redis is null ? "MemStream: the fleet is still connecting to its Redis." : _redis.IsConnected ? null : FleetUnavailable.Because(_redis, null).Message;

    /// <summary>
    /// Returns at once: connecting may take seconds while Redis is unreachable, and the app must start (and
    /// listen) meanwhile. The fleet endpoints answer 503 until the connection is made.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
            return Task.CompletedTask; // AddMemStreamFleet called twice: one fleet
        var startAfter = MemStream.Named(options.SinkName).LastSequence;
        _running = Task.Run(() => RunAsync(startAfter));
        return Task.CompletedTask;
    }

    async Task RunAsync(long startAfter)
    {
        var configuration = ConfigurationOptions.Parse(redisConfiguration);
        configuration.AbortOnConnectFail = false; // connect when Redis comes, and again after it goes
        configuration.ClientName ??= "memstream-" + options.InstanceId;
        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("MemStream: the fleet cannot use the Redis configuration {0}: {1}", redisConfiguration, ex.Message);
            return;
        }
        if (!redis.IsConnected)
            SelfLog.WriteLine("MemStream: the fleet's Redis ({0}) cannot be reached yet; the app runs on and connects when it can", redisConfiguration);
        _heartbeat = new FleetHeartbeat(redis, options, _keys, Counters);
        _responder = new FleetQueryResponder(redis, options, _keys, Counters);
        _queries = new FleetQueryClient(redis, options, _keys, Counters);
        _follower = new FleetStreamFollower(redis, _keys, Counters);
        Volatile.Write(ref _redis, redis);
        if (_stopping.IsCancellationRequested)
            return;
        await IgnoringOutage(_responder.StartAsync());
        await Task.WhenAll(
            KeepRunning("publishing", new FleetPublisher(redis, options, _keys, Counters, startAfter).RunAsync),
            KeepRunning("the heartbeat", _heartbeat.RunAsync));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _running.WaitAsync(cancellationToken);
        }
        finally
        {
            // Even when the host's shutdown timeout passed: stop answering, and leave the fleet.
            if (_responder is not null)
                await IgnoringOutage(_responder.StopAsync());
            if (_heartbeat is not null)
                await IgnoringOutage(_heartbeat.LeaveAsync());
        }
    }

    public async ValueTask DisposeAsync()
    {
        // DI disposes it once for each registration that hands it out.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _stopping.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (_redis is not null)
            await _redis.DisposeAsync();
        _stopping.Dispose();
    }

    public async Task WriteInstancesAsync(Utf8JsonWriter json, CancellationToken cancellationToken)
    {
        var redis = Connected();
        try
        {
            var database = redis.GetDatabase();
            var live = await FleetHeartbeat.LiveAsync(database, _keys, options);
            var details = await Task.WhenAll(live.Select(i => database.HashGetAsync(_keys.Instance(i.Instance), FleetHeartbeat.Details)));
            json.WriteStartObject();
            json.WriteString("app", options.App);
            json.WriteStartArray("instances");
            for (var i = 0; i < live.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("instance", live[i].Instance);
                json.WriteString("lastHeartbeat", live[i].LastHeartbeat);
                // Only the details a heartbeat writes, each short: the hash is anyone's to write.
                for (var field = 0; field < FleetHeartbeat.Details.Length; field++)
                {
                    var value = details[i][field];
                    if (value.IsNull)
                        continue;
                    if (value.TryParse(out long number))
                        json.WriteNumber(FleetHeartbeat.Details[field].ToString(), number);
                    else if (value.GetByteCount() <= FleetHeartbeat.MaxDetailBytes)
                        json.WriteString(FleetHeartbeat.Details[field].ToString(), value.ToString());
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("rejected");
            foreach (var (what, count) in Counters.Rejected)
                json.WriteNumber(what, count);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw FleetUnavailable.Because(redis, ex);
        }
    }

    public Task<FleetQueryAnswer> QueryAsync(FleetQuery query, CancellationToken cancellationToken)
    {
        Connected();
        return _queries!.QueryAsync(query, cancellationToken);
    }

    public async Task<FleetTail> OpenTailAsync(FleetStreamPosition? afterId, Serilog.Events.LogEventLevel minLevel, int capacity, CancellationToken cancellationToken)
    {
        var redis = Connected();
        try
        {
            return await _follower!.OpenAsync(afterId, minLevel, capacity);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw FleetUnavailable.Because(redis, ex);
        }
    }

    ConnectionMultiplexer Connected()
    {
        var redis = _redis ?? throw new FleetUnavailableException("MemStream: the fleet is still connecting to its Redis.");
        FleetUnavailable.ThrowIfDisconnected(redis);
        return redis;
    }

    /// <summary>Runs a loop of the fleet's until the host stops; a failure is reported and the loop starts again, never taking the app down.</summary>
    async Task KeepRunning(string what, Func<CancellationToken, Task> loop)
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await loop(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SelfLog.WriteLine("MemStream: the fleet's {0} failed and starts again in a second: {1}", what, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    static async Task IgnoringOutage(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is down: the subscription is made again on reconnection; a heartbeat's key expires by itself.
        }
    }
}
