using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>The one setup behind every way of adding the endpoints: the app's options, this call's changes, validated.</summary>
internal static class EndpointSetup
{
    public static MemStreamEndpointOptions Options(IServiceProvider services, Action<MemStreamEndpointOptions>? configure)
    {
        var options = services.GetService<IOptions<MemStreamEndpointOptions>>()?.Value.Copy() ?? new MemStreamEndpointOptions();
        configure?.Invoke(options);
        options.Validate();
        return options;
    }

    /// <summary>
    /// Keeps the events the host logs while serving <paramref name="paths"/> out of the sink they serve, for as long
    /// as the app runs, unless <see cref="MemStreamEndpointOptions.LogOwnRequests"/>.
    /// </summary>
    public static void QuietOwnRequests(IServiceProvider services, MemStreamEndpointOptions options, params string[] paths)
    {
        if (options.LogOwnRequests)
            return;
        var registration = QuietRequestPaths.For(options.SinkName).Add(paths);
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(registration.Dispose);
    }
}
