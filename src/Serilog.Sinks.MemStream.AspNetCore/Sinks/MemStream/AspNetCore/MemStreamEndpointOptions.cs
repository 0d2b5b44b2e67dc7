namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// Options for every MemStream endpoint (<c>UseMemStreamWebSocket</c>, <c>MapMemStream</c>,
/// <c>RequireMemStreamAccess</c>). The defaults are safe: only loopback clients are answered, and
/// browsers only from the app's own origin. Set them for the whole app through DI
/// (<c>services.Configure&lt;MemStreamEndpointOptions&gt;(...)</c>, also from a configuration section);
/// each call's <c>configure</c> then changes a copy of those.
/// </summary>
public sealed class MemStreamEndpointOptions
{
    /// <summary>The sink to expose: null for the default sink, or the <c>name</c> it was configured with.</summary>
    public string? SinkName { get; set; }

    /// <summary>
    /// Answer clients that are not on this machine. Off by default: logs are sensitive. Prefer
    /// <see cref="AuthorizationPolicy"/> (or <c>MapMemStream().RequireAuthorization(...)</c>), which also
    /// opens the endpoints to remote clients, but only to authorized ones.
    /// </summary>
    public bool AllowRemoteClients { get; set; }

    /// <summary>
    /// An authorization policy every request must satisfy (anonymous: 401, not allowed: 403). When set,
    /// remote clients are allowed, since the policy decides. Requires authentication middleware.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>
    /// Browser origins (such as <c>https://ops.example.com</c>) besides the app's own that may open the
    /// WebSocket. Any other <c>Origin</c> gets 403, against cross-site WebSocket hijacking.
    /// </summary>
    public IList<string> AllowedOrigins { get; private set; } = [];

    /// <summary>
    /// Host names (such as <c>myapp.internal</c>, no port) besides the loopback ones (<c>localhost</c>,
    /// <c>127.0.0.1</c>, <c>[::1]</c>) under which loopback clients may reach the endpoints. Only checked while
    /// the endpoints answer loopback clients only: any other <c>Host</c> gets 403, so a web page on a
    /// DNS-rebinding domain that resolves to 127.0.0.1 cannot read the logs.
    /// </summary>
    public IList<string> AllowedHosts { get; private set; } = [];

    /// <summary>The most clients connected to the tail at once; beyond it the upgrade gets 503. Default 32.</summary>
    public int MaxClients { get; set; } = 32;

    /// <summary>
    /// The most requests for stored events (<c>query</c> pages and downloads, <c>correlation-ids</c>; fleet queries have a limit of their own)
    /// answered at once; beyond it a request gets 503 at once with the reason. Each may hold a page of about
    /// 4 MiB, so this bounds what queries take from the application. Default 4.
    /// </summary>
    public int MaxConcurrentQueries { get; set; } = 4;

    /// <summary>Events queued for one client; when it falls further behind, its oldest are dropped and it is told how many. Default 1024.</summary>
    public int ClientQueueCapacity { get; set; } = 1024;

    /// <summary>How long one frame may take to send before the client is disconnected. Default 3 s.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the server pings an idle connection. Default 15 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The largest frame a client may send (they are ignored anyway); a larger one closes the connection with 1009. Default 4096 bytes.</summary>
    public int MaxIncomingMessageBytes { get; set; } = 4096;

    /// <summary>
    /// How often a live-tail client that asked for it (<c>status=true</c>, as the page does) gets a status frame: the
    /// sink's status and, in an app with a fleet, its live instances. Default 5 s.
    /// </summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Let the events the host logs while serving these endpoints (request started and finished, and the like)
    /// reach the sink they serve. Off by default, so that a console left open in an idle app shows and stores
    /// nothing it caused itself. Recognised by ASP.NET Core's <c>RequestPath</c> on each event of a request.
    /// </summary>
    public bool LogOwnRequests { get; set; }

    /// <summary>A copy, so that one call's <c>configure</c> never changes the app-wide options or another call's.</summary>
    internal MemStreamEndpointOptions Copy()
    {
        var copy = (MemStreamEndpointOptions)MemberwiseClone();
        copy.AllowedOrigins = [.. AllowedOrigins];
        copy.AllowedHosts = [.. AllowedHosts];
        return copy;
    }

    internal void Validate()
    {
        if (MaxClients <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxClients), MaxClients, "At least one client must be allowed.");
        if (MaxConcurrentQueries <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentQueries), MaxConcurrentQueries, "At least one query must be allowed at a time.");
        if (ClientQueueCapacity <= 0)
            throw new ArgumentOutOfRangeException(nameof(ClientQueueCapacity), ClientQueueCapacity, "A client's queue holds at least one event.");
        if (SendTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(SendTimeout), SendTimeout, "The send timeout must be positive.");
        if (KeepAliveInterval < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(KeepAliveInterval), KeepAliveInterval, "The keep-alive interval cannot be negative (zero turns pings off).");
        if (StatusInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(StatusInterval), StatusInterval, "The status interval must be positive, such as 00:00:05.");
        if (MaxIncomingMessageBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxIncomingMessageBytes), MaxIncomingMessageBytes, "The incoming frame limit must be positive.");
        foreach (var host in AllowedHosts)
        {
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
                throw new ArgumentException($"'{host}' is not a host name such as myapp.internal (no scheme, no port).", nameof(AllowedHosts));
        }
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out _))
                throw new ArgumentException($"'{origin}' is not an origin such as https://ops.example.com.", nameof(AllowedOrigins));
        }
    }
}
