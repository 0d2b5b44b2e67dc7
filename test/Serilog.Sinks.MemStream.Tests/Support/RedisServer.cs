using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// Debian's redis-server on a free loopback port, with a temp directory and no persistence (or, when asked,
/// an append-only file synced on every write), as the fleet tests need it: started by the test, stopped (or
/// killed and started again on the same port, with what it persisted) by it.
/// </summary>
sealed class RedisServer : IDisposable
{
    const string Executable = "/usr/bin/redis-server";
    readonly TempFolder _folder = new();
    Process? _process;

    readonly bool _appendOnly;

    RedisServer(int port, bool appendOnly) => (Port, _appendOnly) = (port, appendOnly);

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static RedisServer Start(bool appendOnly = false)
    {
        Assert.That(File.Exists(Executable), "redis-server is not installed: apt-get install -y redis-server (as .ci/run does)");
        var server = new RedisServer(FreePort(), appendOnly);
        server.StartAgain();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="Kill"/>) on its port and waits until it answers PING.</summary>
    public void StartAgain()
    {
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", "always", "--dir", _folder.Path, "--daemonize", "no" })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!AnswersPing())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"redis-server did not start on port {Port}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash or a network cut would end it.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _folder.Dispose();
    }

    bool AnswersPing()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
