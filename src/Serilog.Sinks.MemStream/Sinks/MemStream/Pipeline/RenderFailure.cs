namespace Serilog.Sinks.MemStream.Pipeline;

/// <summary>Why an event was kept in a degraded form; the names are the <c>reason</c> tags of the render-failure metric.</summary>
internal enum RenderFailure
{
    /// <summary>Rendered as it was.</summary>
    None,

    /// <summary>A property value's <c>ToString</c> threw: the value was replaced by a marker (reason <c>render-failed</c>).</summary>
    ValueMarked,

    /// <summary>The formatter itself threw: the event was kept with a plain fallback rendering (reason <c>formatter-failed</c>).</summary>
    FormatterFailed,
}
