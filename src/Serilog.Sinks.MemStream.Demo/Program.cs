using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Serilog;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Sinks.MemStream.Demo;
using MemStreamFacade = Serilog.Sinks.MemStream.MemStream;

// A store that cannot open or write says why here, instead of failing silently.
SelfLog.Enable(Console.Error);

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, configuration) => configuration
    .ReadFrom.Configuration(builder.Configuration)
    .ReadFrom.Services(services));
builder.Services.AddHostedService<SimulatedTraffic>();
// Error responses carry the request's traceId (ASP.NET Core's default) and a link to its logs.
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
{
    if (Activity.Current is { } activity)
        context.ProblemDetails.Extensions["logs"] = $"/memstream/?traceId={activity.TraceId}";
});
builder.Services.AddHealthChecks().AddMemStream();
// Several instances of the demo as one fleet, on a local Redis: --MemStream:Fleet:Redis=127.0.0.1:6379 (README).
if (builder.Configuration["MemStream:Fleet:Redis"] is { Length: > 0 } redis)
    builder.Services.AddMemStreamFleet(redis, options => builder.Configuration.GetSection("MemStream:Fleet").Bind(options));

var app = builder.Build();
app.UseMiddleware<CorrelationIdMiddleware>();
// One event per request, logged inside the request's Activity, so it carries the trace id and is stored
// by it. The tail's own endpoints (the page polls /memstream/status) would only be noise.
app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, failure) =>
    context.Request.Path.StartsWithSegments("/memstream") ? LogEventLevel.Verbose
    : failure is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
    : LogEventLevel.Information);
app.UseWebSockets();
app.MapMemStream(); // /memstream/ (the live-tail page), /memstream/ws, /memstream/query, ...
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });

app.MapGet("/", () => Results.Content(HomePage.Html(Activity.Current?.TraceId.ToHexString()), "text/html; charset=utf-8"));
// The facade in code; these show logs, so they keep MapMemStream's access rules.
var facade = app.MapGroup("").RequireMemStreamAccess();
facade.MapGet("/snapshot", () => Results.Text(MemStreamFacade.Snapshot(), "text/plain; charset=utf-8"));
facade.MapGet("/status", () => Results.Json(MemStreamFacade.Status()));
// The first 100; /memstream/correlation-ids pages through all of them.
facade.MapGet("/correlation-ids", () => Results.Json(MemStreamFacade.CorrelationIds().Take(100)));
// An id's stored events as text, page by page through the facade, up to about 4 MiB (as /memstream/query pages).
facade.MapGet("/query/{id}", (string id) => Results.Text(StoredEventsText.Of(id), "text/plain; charset=utf-8"));
app.MapGet("/api/orders/{id:int}", (int id, ILogger<Program> logger) =>
{
    logger.LogInformation("Looking up order {OrderId}", id);
    if (id % 13 != 0)
        return Results.Json(new { id, status = "shipped" });
    // Orders whose number is a multiple of 13 fail, to show an error response's traceId leading to its logs.
    logger.LogError(new TimeoutException($"payment gateway did not answer within 2000 ms (order {id})"), "Order {OrderId} could not be looked up", id);
    return Results.Problem(title: "The order could not be looked up", detail: $"Order {id}: the payment gateway did not answer.", statusCode: 502);
});

// A note on an order, logged whole: notes can be long (a pasted e-mail, a stack of attachments' names).
app.MapPost("/api/orders/{id:int}/notes", async (int id, HttpRequest request, ILogger<Program> logger) =>
{
    using var reader = new StreamReader(request.Body);
    var note = await reader.ReadToEndAsync();
    logger.LogInformation("Note added to order {OrderId}: {Note}", id, note);
    return Results.Accepted();
});

await app.StartAsync();
foreach (var address in app.Urls)
    Console.WriteLine($"MemStream demo listening on {address}/ (Ctrl+C to stop)");
await app.WaitForShutdownAsync();
