using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Tests.Store;

public class StoreKeyTests
{
    static readonly string[] Ids = ["", "a", "a:", "a:b", "a:0000000001", "a:0000000001:0000000002", "é", "😀:", new string('z', 600), new string('z', 600) + "y"];

    [Test]
    public void AKeyMatchesOnlyTheIdItWasMadeFor()
    {
        foreach (var owner in Ids)
        {
            var key = StoreKey.Key(StoreKey.Prefix(owner), 42);
            foreach (var other in Ids)
            {
                var matches = StoreKey.TryMatch(key, StoreKey.Prefix(other), out var sequence);
                Assert.That(matches, Is.EqualTo(other == owner), $"key of '{Short(owner)}' against '{Short(other)}'");
                if (matches)
                    Assert.That(sequence, Is.EqualTo(42));
            }
        }
    }

    [Test]
    public void AKeyWrittenFromTheIdIsTheKeyBuiltFromItsPrefix()
    {
        var written = new byte[StoreKey.MaxKeyBytes];
        foreach (var id in Ids.Append(new string('é', StoreKey.MaxIdBytes / 2)).Append(new string('é', StoreKey.MaxIdBytes / 2 + 1)))
        {
            var length = StoreKey.Write(written, id, 1_234_567);
            Assert.That(written[..length], Is.EqualTo(StoreKey.Key(StoreKey.Prefix(id), 1_234_567)), $"id '{Short(id)}'");
        }
    }

    [Test]
    public void KeysOfOneIdSortInSequenceOrder()
    {
        var prefix = StoreKey.Prefix("order");
        var keys = new long[] { 1, 9, 10, 99, 100, 1_000_000, 9_999_999_999 }.Select(s => StoreKey.Key(prefix, s)).ToList();

        Assert.That(keys, Is.Ordered.Using<byte[]>((x, y) => x.AsSpan().SequenceCompareTo(y)));
    }

    [Test]
    public void LongIdsAreShortenedToAnExactFormThatNoShortIdHas()
    {
        var prefix = StoreKey.Prefix(new string('z', 10_000));

        Assert.That(prefix.Length, Is.LessThan(StoreKey.MaxIdBytes + 100));
        Assert.That(StoreKey.IsShortened(prefix.AsSpan(0, prefix.Length - 1)), Is.True);
        Assert.That(StoreKey.IsShortened(StoreKey.Prefix(new string('z', StoreKey.MaxIdBytes)).AsSpan()[..^1]), Is.False);
    }

    static string Short(string id) => id.Length > 12 ? id[..12] + "…" : id;
}
