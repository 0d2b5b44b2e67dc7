// A child process for the store tests:
//   hold <storePath>  opens a sink on the store, prints "ready", and keeps it open until stdin closes;
//   log <storePath>   logs events with correlation ids c0..c9 forever, and after every Flush prints
//                     "flushed N": events 1..N are durable. The test kills it with SIGKILL.
using Serilog;
using Serilog.Context;
using Serilog.Sinks.MemStream;

var (mode, storePath) = (args[0], args[1]);
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
        logger.Information("event {N}", n);
    if (n % 250 == 0)
    {
        MemStream.Flush();
        Console.WriteLine($"flushed {n}");
    }
}
