using System.Net;
using System.Text;
using CsCheck;
using Serilog.Sinks.MemStream.Live;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Properties;

/// <summary>Invariants checked over generated inputs (CsCheck shrinks any failure to a small example).</summary>
public class PropertyTests
{
    [Test]
    public void TheBufferHoldsTheNewestWholeEventsWithinItsCapacityForAnySizes()
    {
        Gen.Select(Gen.Int[1, 2000], Gen.Int[1, 600].Array[1, 80]).Sample((capacity, sizes) =>
        {
            var buffer = new RecentEventBuffer(capacity);
            var appended = new List<string>();
            for (var i = 0; i < sizes.Length; i++)
            {
                var text = new string((char)('a' + i % 26), sizes[i] - 1) + "\n";
                appended.Add(text);
                buffer.Append(new MemStreamEvent(i + 1, Some.Text("x"), Encoding.UTF8.GetBytes(text)));

                if (buffer.SizeBytes > capacity)
                    return false;
                var held = buffer.Text();
                var wholeSuffix = string.Concat(appended.TakeLast(buffer.Count));
                var cutAlone = buffer.Count == 1 && text.Length > capacity && held.Length <= capacity;
                if (held != wholeSuffix && !cutAlone)
                    return false;
                if (buffer.Count == 0)
                    return false;
            }
            return true;
        }, iter: 2000);
    }

    [Test]
    public void KeysNeverCollideAcrossIdsAndKeepSequenceOrderForAnyIds()
    {
        Gen.Select(Gen.String, Gen.String, Gen.Long[0, 9_999_999_999], Gen.Long[0, 9_999_999_999]).Sample((a, b, first, second) =>
        {
            var keyOfA = StoreKey.Key(StoreKey.Prefix(a), first);
            var matchesOwn = StoreKey.TryMatch(keyOfA, StoreKey.Prefix(a), out var sequence) && sequence == first;
            var matchesOther = StoreKey.TryMatch(keyOfA, StoreKey.Prefix(b), out _);
            var order = Math.Sign(keyOfA.AsSpan().SequenceCompareTo(StoreKey.Key(StoreKey.Prefix(a), second))) == Math.Sign(first.CompareTo(second));
            return matchesOwn && (a == b || !matchesOther) && order;
        }, iter: 5000);
    }

    [Test]
    public async Task AnyQueryStringGetsAResultOrA400NeverA500()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        server.Logger.ForContext("CorrelationId", "x").Information("one stored event");
        server.Facade.Flush();
        using var http = new HttpClient();
        var names = new[] { "correlationId", "minLevel", "after", "limit", "format", "filter", "x" };
        var queries = Gen.Select(Gen.Int[0, names.Length - 1], Gen.String[Gen.Char, 0, 30]).Array[0, 5]
            .Select(pairs => string.Join("&", pairs.Select(p => Uri.EscapeDataString(names[p.Item1]) + "=" + Uri.EscapeDataString(p.Item2))));

        var statuses = new List<(string Query, HttpStatusCode Status)>();
        foreach (var query in queries.Array[150].Single())
        {
            foreach (var path in new[] { "/memstream/query?", "/memstream/ws?" })
            {
                var response = await http.GetAsync(server.BaseUrl + path + query);
                statuses.Add((path + query, response.StatusCode));
            }
        }

        Assert.That(statuses.Where(s => (int)s.Status >= 500), Is.Empty);
        Assert.That(statuses.Select(s => s.Status), Has.Some.EqualTo(HttpStatusCode.BadRequest));
    }
}
