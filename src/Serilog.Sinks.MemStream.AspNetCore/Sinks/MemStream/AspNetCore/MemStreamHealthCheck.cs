using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// Reports a MemStream sink's health: unhealthy with no live sink; degraded when its store is
/// unavailable (the sink works in memory only; the description says why) or a queue is nearly full;
/// healthy otherwise. The data carries the sink's counters.
/// </summary>
/// <param name="sinkName">The sink to report on; null for the default sink.</param>
public sealed class MemStreamHealthCheck(string? sinkName = null) : IHealthCheck
{
    /// <summary>A queue fuller than this fraction reports degraded.</summary>
    public const double SaturationThreshold = 0.8;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = MemStream.Named(sinkName).Status();
        var name = sinkName ?? "(default)";
        if (!status.IsAvailable)
            return Task.FromResult(HealthCheckResult.Unhealthy($"No MemStream sink named {name} is live."));

        var data = new Dictionary<string, object>
        {
            ["storeState"] = status.StoreState.ToString(),
            ["queuePending"] = status.QueuePending,
            ["queueOverflowed"] = status.QueueOverflowed,
            ["storeQueuePending"] = status.StoreQueuePending,
            ["storeQueueOverflowed"] = status.StoreQueueOverflowed,
            ["storeWriteFailures"] = status.StoreWriteFailures,
            ["eventsStored"] = status.EventsStored,
            ["subscribers"] = status.Subscribers,
        };

        if (status.StoreState == MemStreamStoreState.Failing)
            return Degraded($"Writing to the MemStream store fails, so sink {name} keeps new events in its store queue and retries: {status.StoreMessage}", data);
        if (status.StoreState == MemStreamStoreState.Unavailable)
            return Degraded($"The MemStream store is unavailable, so sink {name} keeps events in memory only: {status.StoreMessage}", data);
        if (status.QueueCapacity > 0 && status.QueuePending >= status.QueueCapacity * SaturationThreshold)
            return Degraded($"The sink's queue is {100.0 * status.QueuePending / status.QueueCapacity:0}% full ({status.QueuePending} of {status.QueueCapacity} events).", data);
        if (status.StoreQueueCapacity > 0 && status.StoreQueuePending >= status.StoreQueueCapacity * SaturationThreshold)
            return Degraded($"The store's queue is {100.0 * status.StoreQueuePending / status.StoreQueueCapacity:0}% full ({status.StoreQueuePending} of {status.StoreQueueCapacity} events): the disk is not keeping up.", data);

        return Task.FromResult(HealthCheckResult.Healthy($"MemStream sink {name}: store {status.StoreState}.", data));
    }

    static Task<HealthCheckResult> Degraded(string description, Dictionary<string, object> data) =>
        Task.FromResult(HealthCheckResult.Degraded(description, data: data));
}
