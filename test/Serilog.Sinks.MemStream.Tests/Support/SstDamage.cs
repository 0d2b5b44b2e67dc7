namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// Damages a store the way a bad disk sector does: bytes a quarter into its largest SST file, a
/// data block (an SST file's data blocks come first, its index and properties last), flipped. The file's footer and index stay intact, so the store opens; RocksDB finds the
/// damage only when it reads that block (a query, or a compaction, which then fails every later write).
/// </summary>
static class SstDamage
{
    public static string DamageADataBlock(string storePath)
    {
        var sst = Directory.GetFiles(storePath, "*.sst").OrderByDescending(f => new FileInfo(f).Length).First();
        using var stream = new FileStream(sst, FileMode.Open, FileAccess.ReadWrite);
        var bytes = new byte[64];
        stream.Position = stream.Length / 4;
        stream.ReadExactly(bytes);
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] ^= 0xFF;
        stream.Position = stream.Length / 4;
        stream.Write(bytes);
        return sst;
    }
}
