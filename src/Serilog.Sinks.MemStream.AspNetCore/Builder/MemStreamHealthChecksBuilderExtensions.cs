using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the MemStream health check.</summary>
public static class MemStreamHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of a MemStream sink: its store's state (open, or memory-only and why) and how full
    /// its queues are. See <see cref="MemStreamHealthCheck"/>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="sinkName">The sink to check; null for the default sink.</param>
    /// <param name="name">The check's name. Default <c>memstream</c>.</param>
    /// <param name="tags">Tags for filtering checks.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddMemStream(this IHealthChecksBuilder builder, string? sinkName = null, string name = "memstream", IEnumerable<string>? tags = null) =>
        builder.AddCheck(name, new MemStreamHealthCheck(sinkName), HealthStatus.Unhealthy, tags ?? []);
}
