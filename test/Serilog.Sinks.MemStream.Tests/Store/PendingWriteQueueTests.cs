using System.Buffers.Binary;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Tests.Store;

public class PendingWriteQueueTests
{
    [Test]
    public void EveryWriteArrivesIntactAndInOrderWhileSlabsAreReused()
    {
        const int writes = 200_000;
        var queue = new PendingWriteQueue(limit: 5_000);
        var producer = new Thread(() =>
        {
            for (var i = 0; i < writes; i++)
            {
                while (queue.IsFull)
                    Thread.Yield();
                queue.Add(i, KeyOf(i), ValueOf(i), [], default);
            }
            queue.Close();
        });
        producer.Start();

        var random = new Random(7);
        var next = 0;
        var problems = new List<string>();
        while (queue.Take(1000) is { } chunk)
        {
            foreach (var write in chunk)
            {
                if (!write.Key.SequenceEqual(KeyOf(next)) || !write.Value.SequenceEqual(ValueOf(next)))
                    problems.Add($"write {next} arrived damaged");
                next++;
            }
            if (random.Next(4) == 0)
                Thread.Sleep(1); // a slow disk now and then, so that slabs wait to be handed back
            queue.MarkWritten(chunk);
        }
        producer.Join();

        Assert.That(problems, Is.Empty);
        Assert.That(next, Is.EqualTo(writes));
        Assert.That(queue.Pending, Is.Zero);
    }

    static byte[] KeyOf(int i)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(key, i);
        return key;
    }

    /// <summary>Values of many sizes, every 5,000th larger than a slab.</summary>
    static byte[] ValueOf(int i)
    {
        var value = new byte[i % 5_000 == 0 ? 100_000 : 50 + i % 700];
        for (var b = 0; b < value.Length; b++)
            value[b] = (byte)(i * 31 + b);
        return value;
    }
}
