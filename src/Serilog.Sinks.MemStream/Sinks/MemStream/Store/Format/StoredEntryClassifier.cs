namespace Serilog.Sinks.MemStream.Store;

/// <summary>Classifies an entry by its key and value (without the TTL suffix), decoding every event it holds: the one rule for what is live, expired or damaged.</summary>
internal static class StoredEntryClassifier
{
    /// <summary>The entry's kind at <paramref name="now"/> (Unix milliseconds), and how many events it holds (0 for references or damage).</summary>
    public static StoredEntryKind Classify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long now, out int events)
    {
        events = 0;
        if (!StoreKey.TrySplit(key, out _, out var keySequence))
            return StoredEntryKind.Damaged;
        if (StoredReference.TryRead(value, out var referencesExpireAt, out _))
        {
            if (!StoredReference.IsWellFormed(value))
                return StoredEntryKind.Damaged;
            return referencesExpireAt > now ? StoredEntryKind.LiveReferences : StoredEntryKind.ExpiredReferences;
        }
        if (StoredGroup.IsGroup(value) ? !StoredGroup.IsWellFormed(value) : !StoredEventCodec.TryDecode(value, out _))
            return StoredEntryKind.Damaged;

        StoredEvents.TryOpen(value, keySequence, out var items, out _, out var latestExpiry);
        while (items.TryNext(out _, out _))
            events++;
        return latestExpiry > now ? StoredEntryKind.Live : StoredEntryKind.Expired;
    }
}
