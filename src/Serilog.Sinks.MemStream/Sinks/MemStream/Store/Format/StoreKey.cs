using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Keys of the form <c>&lt;correlationId&gt;:&lt;sequence:D10&gt;</c>. An id's entries are exactly the keys
/// made of its prefix and ten digits, so a scan for <c>a</c> recognizes and skips <c>a:b</c>'s keys
/// whatever characters ids hold. Ids longer than <see cref="MaxIdBytes"/> UTF-8 bytes are keyed by
/// their start plus a SHA-256 of the whole id: still exact, and such a key is never a short id's.
/// Two more key forms start with a byte that never occurs in UTF-8, so no correlation id's key looks like
/// them and they sort after every correlation id's: a trace's entries (its events that have no correlation id,
/// and its references to those that have one) under <c>\xFFtrace:&lt;32 lowercase hex digits&gt;:&lt;sequence:D10&gt;</c>;
/// and, in stores of format 1 only, an event with no correlation id under <c>\xFEevent:&lt;sequence:D10&gt;</c>
/// (read through the references that name it; nothing writes it now). The search index's keys start with the same byte
/// (<see cref="DirectoryPrefix"/>).
/// </summary>
internal static class StoreKey
{
    public const int MaxIdBytes = 512;

    /// <summary>The largest sequence number a key can hold (ten digits); the store refuses events beyond it.</summary>
    public const long MaxSequence = 9_999_999_999;
    const string SequenceKeyPrefix = "sequence@";
    const int SequenceDigits = 10;
    const byte Separator = (byte)':';
    const byte EventMarker = 0xFE;
    // Starts the keys of traces and of the search index: no correlation id's key starts with it.
    const byte IndexMarker = 0xFF;
    static ReadOnlySpan<byte> TraceTag => [IndexMarker, (byte)'t', (byte)'r', (byte)'a', (byte)'c', (byte)'e', (byte)':'];
    static ReadOnlySpan<byte> BatchTag => [IndexMarker, (byte)'b', (byte)'a', (byte)'t', (byte)'c', (byte)'h', (byte)':'];
    static ReadOnlySpan<byte> ProblemsTag => [IndexMarker, (byte)'p', (byte)'r', (byte)'o', (byte)'b', (byte)'l', (byte)'e', (byte)'m', (byte)'s', (byte)':'];
    const int TraceHexDigits = 32;

    /// <summary>The bytes every key of this correlation id starts with (the id's key form and the separator).</summary>
    public static byte[] Prefix(string correlationId)
    {
        var id = Encoding.UTF8.GetBytes(correlationId);
        if (id.Length > MaxIdBytes)
            id = LongIdForm(id);

        var prefix = new byte[id.Length + 1];
        id.CopyTo(prefix, 0);
        prefix[^1] = Separator;
        return prefix;
    }

    /// <summary>The most bytes a key takes, long ids included.</summary>
    public const int MaxKeyBytes = MaxIdBytes + 96 + 1 + SequenceDigits;

    /// <summary>
    /// Writes the key of this id's entry with this sequence number into <paramref name="destination"/>
    /// (at least <see cref="MaxKeyBytes"/> long) and returns its length: the store's hot path, with no allocation for ids of up to <see cref="MaxIdBytes"/> bytes.
    /// </summary>
    public static int Write(Span<byte> destination, string correlationId, long sequence)
    {
        var idBytes = Encoding.UTF8.GetByteCount(correlationId);
        if (idBytes > MaxIdBytes)
        {
            var prefix = Prefix(correlationId);
            prefix.CopyTo(destination);
            WriteSequence(destination[prefix.Length..], sequence);
            return prefix.Length + SequenceDigits;
        }

        Encoding.UTF8.GetBytes(correlationId, destination);
        destination[idBytes] = Separator;
        WriteSequence(destination[(idBytes + 1)..], sequence);
        return idBytes + 1 + SequenceDigits;
    }

    /// <summary>The bytes every trace-index key of this trace id starts with.</summary>
    public static byte[] TracePrefix(ActivityTraceId traceId)
    {
        var prefix = new byte[TraceTag.Length + TraceHexDigits + 1];
        WriteTraceForm(prefix, traceId);
        prefix[^1] = Separator;
        return prefix;
    }

    /// <summary>Writes the trace-index key of this trace id and sequence number, as <see cref="Write"/> does for a correlation id.</summary>
    public static int WriteTrace(Span<byte> destination, ActivityTraceId traceId, long sequence)
    {
        var formLength = WriteTraceForm(destination, traceId);
        destination[formLength] = Separator;
        WriteSequence(destination[(formLength + 1)..], sequence);
        return formLength + 1 + SequenceDigits;
    }

    /// <summary>
    /// The bytes every search-index key starts with (<see cref="BatchDirectory"/>): <c>\xFFproblems:</c> for the entries that
    /// name a batch's groups with a Warning or worse, else <c>\xFFbatch:</c> for those that name all of them.
    /// </summary>
    public static byte[] DirectoryPrefix(bool problems) => (problems ? ProblemsTag : BatchTag).ToArray();

    /// <summary>Writes a search-index key: <see cref="DirectoryPrefix"/> and the batch's first sequence number in the family; returns its length.</summary>
    public static int WriteDirectoryKey(Span<byte> destination, bool problems, long sequence)
    {
        var tag = problems ? ProblemsTag : BatchTag;
        tag.CopyTo(destination);
        WriteSequence(destination[tag.Length..], sequence);
        return tag.Length + SequenceDigits;
    }

    /// <summary>True when an id's key form is a correlation id's (not a trace's, nor the search index's, nor that of events with no correlation id).</summary>
    public static bool IsCorrelationIdForm(ReadOnlySpan<byte> idForm) => idForm.IsEmpty || idForm[0] < EventMarker;

    /// <summary>A key above every correlation id's key and below every other: where a scan of correlation ids stops.</summary>
    public static byte[] CorrelationKeysEnd() => [EventMarker];

    /// <summary>A key without its sequence number: the id's key form and the separator.</summary>
    public static ReadOnlySpan<byte> WithoutSequence(ReadOnlySpan<byte> key) => key[..^SequenceDigits];

    static int WriteTraceForm(Span<byte> destination, ActivityTraceId traceId)
    {
        TraceTag.CopyTo(destination);
        // Its lowercase hex text as the id keeps it: no parse to bytes and back.
        var written = Encoding.ASCII.GetBytes(traceId.ToHexString(), destination[TraceTag.Length..]);
        return TraceTag.Length + written;
    }

    public static byte[] Key(byte[] prefix, long sequence)
    {
        var key = new byte[prefix.Length + SequenceDigits];
        prefix.CopyTo(key, 0);
        WriteSequence(key.AsSpan(prefix.Length), sequence);
        return key;
    }

    /// <summary>The key of a group in a log family: its first event's sequence number, ten digits, so the log is written in key order.</summary>
    public static byte[] LogKey(long sequence)
    {
        var key = new byte[SequenceDigits];
        WriteSequence(key, sequence);
        return key;
    }

    /// <summary>Writes <see cref="LogKey"/> into <paramref name="destination"/>; returns its length.</summary>
    public static int WriteLogKey(Span<byte> destination, long sequence)
    {
        WriteSequence(destination, sequence);
        return SequenceDigits;
    }

    /// <summary>True when <paramref name="key"/> is a log family's key, with its sequence number.</summary>
    public static bool TryParseLogKey(ReadOnlySpan<byte> key, out long sequence)
    {
        sequence = 0;
        return key.Length == SequenceDigits && TryParseSequence(key, out sequence);
    }

    static void WriteSequence(Span<byte> target, long sequence) =>
        Utf8Formatter.TryFormat(sequence, target, out _, new System.Buffers.StandardFormat('D', SequenceDigits));

    /// <summary>True when <paramref name="key"/> is an entry of the id whose prefix is given, with its sequence number.</summary>
    public static bool TryMatch(ReadOnlySpan<byte> key, ReadOnlySpan<byte> prefix, out long sequence)
    {
        sequence = 0;
        return key.Length == prefix.Length + SequenceDigits
            && key.StartsWith(prefix)
            && TryParseSequence(key[prefix.Length..], out sequence);
    }

    /// <summary>Splits any entry key into its id's key form and its sequence number.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> idForm, out long sequence)
    {
        idForm = default;
        sequence = 0;
        if (key.Length < SequenceDigits + 1 || key[^(SequenceDigits + 1)] != Separator)
            return false;

        idForm = key[..^(SequenceDigits + 1)];
        return TryParseSequence(key[^SequenceDigits..], out sequence);
    }

    /// <summary>True when the id's key form is the shortened form of a long id, so the key alone does not spell the id.</summary>
    public static bool IsShortened(ReadOnlySpan<byte> idForm) => idForm.Length > MaxIdBytes;

    static bool TryParseSequence(ReadOnlySpan<byte> digits, out long sequence)
    {
        sequence = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
                return false;
            sequence = sequence * 10 + (digit - '0');
        }
        return true;
    }

    static byte[] LongIdForm(byte[] id)
    {
        var cut = MaxIdBytes;
        while (cut > 0 && (id[cut] & 0xC0) == 0x80)
            cut--;
        var hash = Encoding.ASCII.GetBytes("…#" + Convert.ToHexString(SHA256.HashData(id)));
        return [.. id.AsSpan(0, cut), .. hash];
    }

    /// <summary>The key, in the database's default family, of the last sequence number a sink wrote: <c>sequence@&lt;sink name&gt;</c>.</summary>
    public static byte[] SequenceKey(string? sinkName) => Encoding.UTF8.GetBytes(SequenceKeyPrefix + sinkName);
}
