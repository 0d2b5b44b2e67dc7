using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>Debian's redis-server on a free loopback port with a temp directory and no persistence, for the fleet comparison; killed on dispose.</summary>
internal sealed class RedisProcess : IDisposable
{
    public const string Executable = "/usr/bin/redis-server";
    readonly TempDirectory _directory;
    readonly Process _process;

    RedisProcess(int port, Process process, TempDirectory directory)
    {
        Port = port;
        _process = process;
        _directory = directory;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>The CPU time redis-server has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static RedisProcess Start()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardOutput = true };
        var directory = new TempDirectory();
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.Path })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
        return new RedisProcess(port, process, directory);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _directory.Dispose();
    }
}
