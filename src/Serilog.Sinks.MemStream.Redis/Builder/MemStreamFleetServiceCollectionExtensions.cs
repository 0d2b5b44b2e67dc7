using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog.Sinks.MemStream.AspNetCore;
using Serilog.Sinks.MemStream.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds this app instance to a MemStream fleet on Redis.</summary>
public static class MemStreamFleetServiceCollectionExtensions
{
    /// <summary>
    /// Publishes every event of the MemStream sink to the Redis stream <c>memstream:{App}:events</c> (braces included),
    /// registers this instance with a heartbeat, and answers fleet queries from its own store.
    /// <c>MapMemStream()</c> then also serves <c>/ws?fleet=true</c>, <c>/instances</c> and <c>/query?...&amp;fleet=true</c>.
    /// The app starts at once and logs whether or not Redis is reachable: the fleet connects in the background.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="redisConfiguration">A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c> or <c>redis.internal:6380,password=…,ssl=true</c>.</param>
    /// <param name="configure">Sets the fleet's options (they can also be bound from configuration).</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddMemStreamFleet(this IServiceCollection services, string redisConfiguration, Action<MemStreamFleetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConfiguration);
        try
        {
            StackExchange.Redis.ConfigurationOptions.Parse(redisConfiguration);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The Redis configuration is not one StackExchange.Redis reads: {ex.Message}", nameof(redisConfiguration), ex);
        }

        var options = services.AddOptions<MemStreamFleetOptions>();
        if (configure is not null)
            options.Configure(configure);
        services.AddSingleton(provider => new RedisFleet(redisConfiguration, provider.GetRequiredService<IOptions<MemStreamFleetOptions>>().Value.Resolve()));
        services.AddSingleton<IMemStreamFleet>(provider => provider.GetRequiredService<RedisFleet>());
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<RedisFleet>());
        services.AddSingleton(provider => new MemStreamFleet(provider.GetRequiredService<RedisFleet>()));
        return services;
    }
}
