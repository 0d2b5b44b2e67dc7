namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Keys hold a sequence number of ten digits, and the sink numbers every event it takes: an app logging
/// 10,000 events a second would pass the largest in about 12 days. So the sequence is cut into epochs of
/// <see cref="StoreKey.MaxSequence"/> numbers each: an event of epoch <c>e</c> is kept in its family's epoch-<c>e</c>
/// column family under its number less <c>e × MaxSequence</c> (1 to MaxSequence), and reads add it back.
/// Keys keep their form, every family is in write order, and the epochs are read in order: the store
/// never stops. Epoch 0's families keep the names they always had, so older stores read as before.
/// </summary>
internal static class KeyEpoch
{
    /// <summary>How many sequence numbers an epoch holds.</summary>
    public const long Length = StoreKey.MaxSequence;

    /// <summary>The epoch of a sequence number (1 and above; 0 counts as epoch 0).</summary>
    public static int Of(long sequence) => sequence <= 0 ? 0 : (int)((sequence - 1) / Length);

    /// <summary>The number a key holds for <paramref name="sequence"/>, in its epoch: 1 to <see cref="Length"/>.</summary>
    public static long InKey(long sequence) => sequence - Of(sequence) * Length;

    /// <summary>The sequence number of a key's number in an epoch.</summary>
    public static long FromKey(int epoch, long keySequence) => epoch * Length + keySequence;

    /// <summary>
    /// What "after <paramref name="after"/>" means in an epoch's keys: the key number to start after (0: all of them),
    /// or null when the whole epoch lies at or before it.
    /// </summary>
    public static long? AfterInKeys(int epoch, long after)
    {
        var inKeys = after - epoch * Length;
        return inKeys >= Length ? null : Math.Max(0, inKeys);
    }
}
