using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Serilog.Sinks.MemStream.Demo;

/// <summary>Writes a health report as JSON with each check's status and description, so "Degraded" says why.</summary>
static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}
