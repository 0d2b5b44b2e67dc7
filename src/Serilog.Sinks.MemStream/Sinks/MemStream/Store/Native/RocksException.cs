using System.Runtime.InteropServices;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>An error RocksDB reported, with its own message (which <see cref="StoreFailure"/> reads to tell damage from other failures).</summary>
internal sealed class RocksException(string message) : Exception(message)
{
    /// <summary>Throws when a C call set its error message; frees the message either way.</summary>
    public static void ThrowIf(IntPtr error)
    {
        if (error == IntPtr.Zero)
            return;
        var message = Marshal.PtrToStringUTF8(error) ?? "unknown RocksDB error";
        RocksNative.rocksdb_free(error);
        throw new RocksException(message);
    }
}
