// A child process for the store tests:
//   hold <storePath>  opens a sink on the store, prints "ready", and keeps it open until stdin closes;
//   log <storePath> [cycle]
//                     logs events with correlation ids c0..c9 (and the property Cycle) forever, and
//                     after every Flush prints "flushed N": events 1..N are durable. The test kills it.
using Serilog;
using Serilog.Context;
using Serilog.Sinks.MemStream;

var (mode, storePath) = (args[0], args[1]);
var cycle = args.Length > 2 ? int.Parse(args[2]) : 0;
using var logger = new LoggerConfiguration()
    .Enrich.FromLogContext()
    .WriteTo.MemStream(storePath: storePath, bufferSize: 4096)
    .CreateLogger();

if (mode == "hold")
{
    Console.WriteLine("ready");
    Console.In.ReadToEnd();
    return;
}

for (var n = 1; ; n++)
{
    using (LogContext.PushProperty("CorrelationId", $"c{n % 10}"))
    using (LogContext.PushProperty("Cycle", cycle))
        logger.Information("event {N}", n);
    if (n % 250 == 0)
    {
        MemStream.Flush();
        Console.WriteLine($"flushed {n}");
    }
}
