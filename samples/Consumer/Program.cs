// Uses the MemStream packages as a user of them would: configured from appsettings.json, logging with a
// correlation id, reading it back through the facade, and serving MapMemStream() over HTTP.
// Prints one line per check and exits 0 only when all of them hold.
using Serilog;
using Serilog.Context;
using Serilog.Sinks.MemStream;

var store = Path.Combine(Path.GetTempPath(), "memstream-consumer", Guid.NewGuid().ToString("N"));
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Configuration["Serilog:WriteTo:0:Args:storePath"] = store;
builder.Services.AddSerilog((services, configuration) => configuration.ReadFrom.Configuration(builder.Configuration));

var app = builder.Build();
app.UseWebSockets();
app.MapMemStream();
await app.StartAsync();

var logger = app.Services.GetRequiredService<ILogger<Program>>();
using (LogContext.PushProperty("CorrelationId", "consumer-1"))
{
    logger.LogInformation("Order {OrderId} placed", 42);
    logger.LogWarning("Order {OrderId} is slow", 42);
}
MemStream.Flush();

var failures = 0;
void Check(string what, bool holds)
{
    Console.WriteLine($"consumer: {what}: {(holds ? "ok" : "FAILED")}");
    failures += holds ? 0 : 1;
}

var stored = MemStream.Query("consumer-1");
Check($"MemStream.Query found {stored.Count} events", stored.Count == 2);
using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
var snapshot = await http.GetStringAsync("/memstream/snapshot");
Check("MapMemStream served the snapshot over HTTP", snapshot.Contains("[WRN] consumer-1 Order 42 is slow", StringComparison.Ordinal));
var query = await http.GetStringAsync("/memstream/query?correlationId=consumer-1");
Check("MapMemStream served the query over HTTP", query.Contains("\"Order {OrderId} is slow\"", StringComparison.Ordinal));

await app.StopAsync();
await app.DisposeAsync(); // closes the logger AddSerilog made, and with it the store
Directory.Delete(store, recursive: true);
return failures == 0 ? 0 : 1;
