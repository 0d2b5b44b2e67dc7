using Microsoft.AspNetCore.Http;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>The endpoints' refusals and errors: a status code and one plain-text sentence that says why.</summary>
internal static class PlainTextAnswer
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }
}
