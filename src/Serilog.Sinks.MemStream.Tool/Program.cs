using Serilog.Sinks.MemStream.Tool;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // end the current command cleanly instead of killing the process
    stop.Cancel();
};
return await MemStreamTool.RunAsync(args, Console.Out, Console.Error, stop.Token);
