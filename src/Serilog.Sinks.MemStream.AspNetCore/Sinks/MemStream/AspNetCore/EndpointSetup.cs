using Microsoft.Extensions.DependencyInjection;
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
}
