namespace Serilog.Sinks.MemStream.Store;

/// <summary>An open column family of a <see cref="RocksDatabase"/>; its handle is freed when the family is dropped or the database closes.</summary>
internal sealed class RocksFamily(string name, IntPtr handle)
{
    public string Name { get; } = name;

    internal IntPtr Handle { get; } = handle;
}
