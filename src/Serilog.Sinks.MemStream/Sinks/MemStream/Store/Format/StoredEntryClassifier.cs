namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Classifies an entry of an index or log family by its key and value (without the TTL suffix), decoding every
/// event it holds: the one rule for what is live, expired or damaged, whichever format wrote it.
/// </summary>
internal static class StoredEntryClassifier
{
    /// <summary>The entry's kind at <paramref name="now"/> (Unix milliseconds), and how many events it holds (0 for index entries or damage).</summary>
    public static StoredEntryKind Classify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long now, out int events)
    {
        events = 0;
        if (StoreKey.TryParseLogKey(key, out var logSequence))
            return StoredGroup.IsWellFormed(value) ? Events(value, logSequence, now, out events) : StoredEntryKind.Damaged;
        if (!StoreKey.TrySplit(key, out _, out var keySequence))
            return StoredEntryKind.Damaged;

        if (GroupPointer.IsPointer(value))
            return GroupPointer.TryRead(value, out _, out var latestExpiry) ? Index(latestExpiry, now) : StoredEntryKind.Damaged;
        if (GroupReferences.TryRead(value, out var referencesExpire, out _))
            return GroupReferences.IsWellFormed(value) ? Index(referencesExpire, now) : StoredEntryKind.Damaged;
        if (BatchDirectory.IsDirectory(value))
            return BatchDirectory.IsWellFormed(value) && BatchDirectory.TryRead(value, out var directoryExpires, out _, out _, out _, out _)
                ? Index(directoryExpires, now) : StoredEntryKind.Damaged;
        if (StoredReference.TryRead(value, out var formatOneExpire, out _))
            return StoredReference.IsWellFormed(value) ? Index(formatOneExpire, now) : StoredEntryKind.Damaged;
        if (StoredGroup.IsGroup(value))
            return StoredGroup.IsWellFormed(value) ? Events(value, keySequence, now, out events) : StoredEntryKind.Damaged; // a small group kept in the index
        return StoredEventCodec.TryDecode(value, out _) ? Events(value, keySequence, now, out events) : StoredEntryKind.Damaged;
    }

    static StoredEntryKind Index(long latestExpiry, long now) => latestExpiry > now ? StoredEntryKind.LiveIndex : StoredEntryKind.ExpiredIndex;

    static StoredEntryKind Events(ReadOnlySpan<byte> value, long keySequence, long now, out int events)
    {
        events = 0;
        StoredEvents.TryOpen(value, keySequence, out var items, out _, out var latestExpiry);
        while (items.TryNext(out _, out _))
            events++;
        return latestExpiry > now ? StoredEntryKind.Live : StoredEntryKind.Expired;
    }
}
