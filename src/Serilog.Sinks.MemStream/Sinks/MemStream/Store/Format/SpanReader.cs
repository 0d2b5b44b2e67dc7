using System.Buffers.Binary;
using System.Text;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Reads what <see cref="SpanWriter"/> writes (and <see cref="BinaryWriter"/> wrote before it, the same bytes), straight from a span: decoding a stored event is on
/// the query path, and a <see cref="BinaryReader"/> with its stream and buffers per value costs more
/// than the value itself. Throws <see cref="FormatException"/> on damaged input.
/// </summary>
internal ref struct SpanReader(ReadOnlySpan<byte> data)
{
    ReadOnlySpan<byte> _rest = data;

    public readonly bool AtEnd => _rest.IsEmpty;

    public readonly int Remaining => _rest.Length;

    public byte ReadByte() => Take(1)[0];

    public bool ReadBoolean() => ReadByte() != 0;

    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public decimal ReadDecimal()
    {
        var bits = Take(16);
        return new decimal([
            BinaryPrimitives.ReadInt32LittleEndian(bits),
            BinaryPrimitives.ReadInt32LittleEndian(bits[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(bits[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(bits[12..]),
        ]);
    }

    public Guid ReadGuid() => new(Take(16));

    /// <summary>A string as BinaryWriter writes it: a 7-bit encoded byte length, then UTF-8.</summary>
    public string ReadString()
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28)
                throw new FormatException("string length out of range");
            var part = ReadByte();
            length |= (part & 0x7F) << shift;
            if ((part & 0x80) == 0)
                break;
        }
        return Encoding.UTF8.GetString(Take(length));
    }

    ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _rest.Length)
            throw new FormatException("the stored value ends early");
        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }
}
