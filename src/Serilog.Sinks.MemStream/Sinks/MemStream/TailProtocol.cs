namespace Serilog.Sinks.MemStream;

/// <summary>
/// The live tail's wire protocol and the endpoints' default routes, defined once: the ASP.NET Core package writes
/// it, the <c>memstream</c> tool reads it, and a test holds the live-tail page's own constants to it. It lives in
/// the core, not in the ASP.NET Core package, so that the tool can use it without the ASP.NET Core runtime.
/// Every frame is one JSON object whose <see cref="Type"/> is one of <see cref="FrameTypes"/>.
/// </summary>
internal static class TailProtocol
{
    /// <summary>The endpoints' default prefix (<c>MapMemStream()</c>).</summary>
    public const string DefaultPrefix = "/memstream";

    /// <summary>The routes under the prefix.</summary>
    public const string WebSocketRoute = "/ws", QueryRoute = "/query", CorrelationIdsRoute = "/correlation-ids", SnapshotRoute = "/snapshot",
        StatusRoute = "/status", InstancesRoute = "/instances", SearchRoute = "/search", ProblemsRoute = "/problems";

    /// <summary>Every route under the prefix besides the page's (the prefix itself).</summary>
    public static readonly IReadOnlyList<string> Routes = [WebSocketRoute, QueryRoute, CorrelationIdsRoute, SnapshotRoute, StatusRoute, InstancesRoute, SearchRoute, ProblemsRoute];

    /// <summary>The live tail's default path (<c>UseMemStreamWebSocket()</c>).</summary>
    public const string DefaultWebSocketPath = DefaultPrefix + WebSocketRoute;

    /// <summary>One event: <see cref="Sequence"/>, <see cref="Timestamp"/>, <see cref="Level"/>, the ids it has, and <see cref="Text"/> or <see cref="Clef"/>.</summary>
    public const string EventFrame = "event";

    /// <summary>Events that were waiting together (<c>batch=true</c>): <see cref="Events"/> holds event frames in order.</summary>
    public const string EventsFrame = "events";

    /// <summary>The client fell behind: its <see cref="Count"/> oldest events were dropped from its queue.</summary>
    public const string DroppedNotice = "dropped";

    /// <summary>Events the client asked for are gone: <see cref="Count"/> of them, or <see cref="UnknownCount"/> with a <see cref="Message"/>.</summary>
    public const string MissedNotice = "missed";

    /// <summary>The application restarted with a fresh sequence; the tail starts over from its buffer.</summary>
    public const string RestartedNotice = "restarted";

    /// <summary>The client's filter threw on <see cref="Count"/> events, which were skipped; <see cref="Message"/> says why.</summary>
    public const string FilterFailedNotice = "filter-failed";

    /// <summary>The sink's status, and the fleet's instances where there is a fleet (<c>status=true</c>).</summary>
    public const string StatusFrame = "status";

    /// <summary>Every frame type a client can receive.</summary>
    public static readonly IReadOnlyList<string> FrameTypes = [EventFrame, EventsFrame, DroppedNotice, MissedNotice, RestartedNotice, FilterFailedNotice, StatusFrame];

    /// <summary>Field names.</summary>
    public const string Type = "type", Count = "count", Message = "message", Events = "events", Sequence = "seq", StreamId = "id", Instance = "instance",
        Timestamp = "timestamp", Level = "level", CorrelationId = "correlationId", TraceId = "traceId", SpanId = "spanId", Text = "text", Clef = "clef",
        Sink = "sink", Status = "status", Fleet = "fleet";

    /// <summary>A notice's <see cref="Count"/> when how many is not known: a fleet's stream keeps no count of what it trimmed.</summary>
    public const long UnknownCount = -1;
}
