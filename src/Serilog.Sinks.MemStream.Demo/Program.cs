using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Serilog;
using Serilog.Debugging;
using Serilog.Sinks.MemStream.Demo;
using MemStreamFacade = Serilog.Sinks.MemStream.MemStream;

// A store that cannot open or write says why here, instead of failing silently.
SelfLog.Enable(Console.Error);

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, configuration) => configuration
    .ReadFrom.Configuration(builder.Configuration)
    .ReadFrom.Services(services));
builder.Services.AddHostedService<SimulatedTraffic>();
builder.Services.AddHealthChecks().AddMemStream();

var app = builder.Build();
app.UseMiddleware<CorrelationIdMiddleware>();
app.UseWebSockets();
app.MapMemStream(); // /memstream/ (the live-tail page), /memstream/ws, /memstream/query, ...
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });

app.MapGet("/", () => Results.Content(HomePage.Html, "text/html; charset=utf-8"));
// The facade in code; these show logs, so they keep MapMemStream's access rules.
var facade = app.MapGroup("").RequireMemStreamAccess();
facade.MapGet("/snapshot", () => Results.Text(MemStreamFacade.Snapshot(), "text/plain; charset=utf-8"));
facade.MapGet("/status", () => Results.Json(MemStreamFacade.Status()));
// The first 100; /memstream/correlation-ids pages through all of them.
facade.MapGet("/correlation-ids", () => Results.Json(MemStreamFacade.CorrelationIds().Take(100)));
facade.MapGet("/query/{correlationId}", (string correlationId) =>
    Results.Text(string.Concat(MemStreamFacade.Query(correlationId).Select(e =>
        $"{e.Timestamp:HH:mm:ss.fff} [{e.Level}] {e.RenderMessage()}{Environment.NewLine}{e.Exception}")), "text/plain; charset=utf-8"));
app.MapGet("/api/orders/{id:int}", (int id, ILogger<Program> logger) =>
{
    logger.LogInformation("Looking up order {OrderId}", id);
    return Results.Json(new { id, status = "shipped" });
});

await app.StartAsync();
foreach (var address in app.Urls)
    Console.WriteLine($"MemStream demo listening on {address}/ (Ctrl+C to stop)");
await app.WaitForShutdownAsync();
