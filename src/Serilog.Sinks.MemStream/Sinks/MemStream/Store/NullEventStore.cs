
namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The store of a sink that keeps nothing on disk: configured with <c>durable: false</c>, or
/// unable to open its store (then <see cref="StoreStatistics.Message"/> says why). Answers empty.
/// </summary>
internal sealed class NullEventStore(StoreStatistics statistics) : IEventStore
{
    public static readonly NullEventStore Disabled = new(new StoreStatistics { State = MemStreamStoreState.Disabled });

    public static NullEventStore Unavailable(string path, string reason) =>
        new(new StoreStatistics { State = MemStreamStoreState.Unavailable, Path = path, Message = reason });

    public long LastSequence => 0;

    public long WrittenThrough => long.MaxValue;

    public void Add(MemStreamEvent memStreamEvent) { }

    public void Flush() { }

    public MemStreamSearchPage Search(MemStreamQuery query) => MemStreamSearchPage.Empty;

    public IReadOnlyList<string> CorrelationIds() => [];

    public StoreStatistics Statistics() => statistics;

    public void Dispose() { }
}
