using Serilog.Context;

namespace Serilog.Sinks.MemStream.Demo;

/// <summary>
/// Gives every real request a correlation id (the caller's <c>X-Correlation-ID</c> header, or a new
/// one), returns it in the response, and attaches it to everything logged while handling the request.
/// A given id is used only when it is short and plain (letters, digits, <c>-._:</c>): it is echoed in a
/// response header, which must be ASCII, and it is a key in the store.
/// </summary>
sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-ID";

    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = context.Request.Headers[HeaderName].FirstOrDefault() is { } given && IsWellFormed(given)
            ? given
            : "web-" + Guid.NewGuid().ToString("N")[..8];
        context.Response.Headers[HeaderName] = correlationId;
        using (LogContext.PushProperty("CorrelationId", correlationId))
            await next(context);
    }

    static bool IsWellFormed(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or ':');
}
