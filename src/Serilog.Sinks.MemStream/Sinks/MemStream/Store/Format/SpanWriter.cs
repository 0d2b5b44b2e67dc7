using System.Buffers.Binary;
using System.Text;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Writes what <see cref="SpanReader"/> reads, byte for byte what <see cref="BinaryWriter"/> over UTF-8 wrote before it
/// (stores keep those bytes), into one reusable array. Encoding runs on the sink's worker for every stored event: with a
/// <see cref="BinaryWriter"/> over a <see cref="MemoryStream"/>, a virtual call per value, an event of the bench's load app
/// and its trace key took 0.73–0.90 µs, and 0.26–0.30 µs this way (the bench's <c>codec</c> table measures it).
/// </summary>
internal sealed class SpanWriter(int capacity)
{
    // A string this short has at most 126 UTF-8 bytes, so its length prefix is one byte whatever it holds.
    const int OneBytePrefixMaxChars = 42;
    byte[] _buffer = new byte[capacity];
    int _length;

    public int Capacity => _buffer.Length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Byte(byte value) => Take(1)[0] = value;

    public void Boolean(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void Int16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Take(2), value);

    public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);

    public void Int32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);

    public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

    /// <summary>The four 32-bit parts low, middle, high, flags, as <see cref="BinaryWriter.Write(decimal)"/> does.</summary>
    public void Decimal(decimal value)
    {
        Span<int> parts = stackalloc int[4];
        decimal.GetBits(value, parts);
        foreach (var part in parts)
            Int32(part);
    }

    public void Guid(Guid value) => value.TryWriteBytes(Take(16));

    /// <summary>A 7-bit encoded UTF-8 byte length, then the bytes (lone surrogates become U+FFFD, as <see cref="Encoding.UTF8"/> makes them).</summary>
    public void String(string text)
    {
        if (text.Length <= OneBytePrefixMaxChars)
        {
            var room = Take(1 + 3 * text.Length);
            var written = Encoding.UTF8.GetBytes(text, room[1..]);
            room[0] = (byte)written;
            _length -= room.Length - 1 - written;
            return;
        }
        var count = Encoding.UTF8.GetByteCount(text);
        for (var rest = (uint)count; ; rest >>= 7)
        {
            if (rest < 0x80)
            {
                Byte((byte)rest);
                break;
            }
            Byte((byte)(rest | 0x80));
        }
        Encoding.UTF8.GetBytes(text, Take(count));
    }

    Span<byte> Take(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_length + count, 2 * _buffer.Length));
        var taken = _buffer.AsSpan(_length, count);
        _length += count;
        return taken;
    }
}
