using Serilog.Context;

namespace Serilog.Sinks.MemStream.Demo;

/// <summary>
/// Gives every real request a correlation id (the caller's <c>X-Correlation-ID</c> header, or a new
/// one), returns it in the response, and attaches it to everything logged while handling the request.
/// </summary>
sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-ID";

    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = context.Request.Headers[HeaderName].FirstOrDefault() is { Length: > 0 } given
            ? given
            : "web-" + Guid.NewGuid().ToString("N")[..8];
        context.Response.Headers[HeaderName] = correlationId;
        using (LogContext.PushProperty("CorrelationId", correlationId))
            await next(context);
    }
}
