namespace Serilog.Sinks.MemStream.Store;

/// <summary>Unsigned integers in 7-bit groups, low first, the high bit marking that more follow: small numbers take one byte.</summary>
internal static class Varint
{
    public const int MaxBytes = 10;

    public static int Write(Span<byte> destination, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[at++] = (byte)value;
        return at;
    }

    /// <summary>Reads one and moves <paramref name="data"/> past it; false when it is cut off or too long.</summary>
    public static bool TryRead(scoped ref ReadOnlySpan<byte> data, out ulong value)
    {
        value = 0;
        for (var i = 0; i < MaxBytes && i < data.Length; i++)
        {
            value |= (ulong)(data[i] & 0x7F) << (7 * i);
            if (data[i] < 0x80)
            {
                data = data[(i + 1)..];
                return true;
            }
        }
        return false;
    }
}
