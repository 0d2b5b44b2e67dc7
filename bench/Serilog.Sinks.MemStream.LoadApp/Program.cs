// The app-under-load benchmark's subject: `LoadApp <set-up> --urls http://127.0.0.1:0`, where the set-up
// is one of SinkSetups.Names. GET /orders/{id} logs what a request of a real
// app would (4 events, a correlation id, the request's W3C trace id); GET /stats reads the process's
// GC pause time, peak working set and MemStream's drop counters.
using System.Diagnostics;
using Serilog;
using Serilog.Context;
using Serilog.Events;
using Serilog.Sinks.MemStream.LoadApp;

var setup = args.FirstOrDefault() ?? "";
var folder = Path.Combine(Path.GetTempPath(), "memstream-loadapp", Guid.NewGuid().ToString("N"));
Log.Logger = SinkSetups.Configure(setup, folder,
        new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext())
    .CreateLogger();

// ASP.NET Core starts a request Activity (and so a trace id on every event) when something listens, as
// OpenTelemetry or Application Insights would.
using var listener = new ActivityListener
{
    ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
};
ActivitySource.AddActivityListener(listener);

var builder = WebApplication.CreateSlimBuilder(args.Skip(1).ToArray());
builder.Services.AddSerilog();
SinkSetups.AddServices(setup, builder.Services);
var app = builder.Build();

long requests = 0;
app.MapGet("/orders/{id:int}", (int id, ILogger<Program> logger) =>
{
    using (LogContext.PushProperty("CorrelationId", $"req-{Interlocked.Increment(ref requests)}"))
    {
        logger.LogInformation("Looking up order {OrderId} for {Customer}", id, "alice");
        logger.LogDebug("Cache miss for order {OrderId}", id); // below the minimum level, as debug logging in production is
        logger.LogInformation("Order {OrderId} has {Lines} lines worth {Total:0.00}", id, 3, 42.5m);
        logger.LogInformation("Inventory reserved for order {OrderId} in {Elapsed} ms", id, 4);
        logger.LogInformation("Order {OrderId} answered with {StatusCode}", id, 200);
    }
    return Results.Json(new OrderAnswer(id, "shipped"));
});
app.MapGet("/stats", () => Results.Json(LoadStats.Read(Path.Combine(folder, "store"))));

await app.StartAsync();
// The benchmark kills the app when it is done: it deletes the folder itself.
Console.WriteLine($"folder {folder}");
Console.WriteLine($"listening on {app.Urls.First()}");
await app.WaitForShutdownAsync();
await Log.CloseAndFlushAsync();
try
{
    Directory.Delete(folder, recursive: true);
}
catch (IOException)
{
    // A store still closing: the temp folder is cleaned up by the system.
}
