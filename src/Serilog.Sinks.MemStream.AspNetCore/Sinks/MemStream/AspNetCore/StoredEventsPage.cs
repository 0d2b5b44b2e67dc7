using System.Text.Json;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// A page of stored events as the <c>query</c> and <c>search</c> endpoints answer it: <c>"events": [...]</c>, each as
/// <see cref="EventFrames.WriteEventFields"/> writes it, within about <see cref="MemStreamQuery.MaxBytes"/>, and
/// <c>"next"</c>: where the following page starts (after or before, as the page reads), or null at the end.
/// </summary>
internal static class StoredEventsPage
{
    /// <summary>Writes the page's two properties; <paramref name="texts"/> are the answer's other strings, which share its bound.</summary>
    public static void Write(Utf8JsonWriter json, EventFrames frames, MemStreamSearchPage page, IEnumerable<string> texts)
    {
        json.WriteStartArray("events");
        var events = new BoundedEventArray(json, BoundedEventArray.RoomFor(MemStreamQuery.MaxBytes, texts));
        foreach (var stored in page.Events)
        {
            if (!events.TryAdd(writer => frames.WriteEventFields(writer, stored.Sequence, stored.LogEvent, clef: true)))
                break;
        }
        json.WriteEndArray();
        // An answer cut short by its byte bound goes on from its last event.
        if (events.Count < page.Events.Count)
            json.WriteNumber("next", page.Events[events.Count - 1].Sequence);
        else if (page.Next is { } next)
            json.WriteNumber("next", next);
        else
            json.WriteNull("next");
    }
}
