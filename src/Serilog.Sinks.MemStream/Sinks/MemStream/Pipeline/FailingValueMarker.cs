using System.Globalization;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Pipeline;

/// <summary>
/// Finds property values whose <c>ToString</c> throws and gives the event back with each replaced by a
/// visible marker, <c>&lt;ToString() threw InvalidOperationException&gt;</c>, so that rendering it, encoding
/// it for the store, formatting it as CLEF and publishing it cannot fail on that value downstream: the
/// event is kept, not lost. Serilog turns values of unknown types into strings when it captures them, so
/// only scalars kept as objects (<c>Destructure.AsScalar</c>, custom scalar policies) reach a sink with
/// user code behind their <c>ToString</c>; the types Serilog and the store know are not called at all.
/// </summary>
internal static class FailingValueMarker
{
    /// <summary>The event with every failing value replaced by its marker, or null when no value fails (nothing is allocated then).</summary>
    public static LogEvent? Replace(LogEvent logEvent)
    {
        Dictionary<string, LogEventPropertyValue>? replaced = null;
        // Serilog's LogEvent exposes its own Dictionary: enumerating it as one allocates nothing.
        if (logEvent.Properties is Dictionary<string, LogEventPropertyValue> properties)
        {
            foreach (var (name, value) in properties)
                Visit(name, value, ref replaced);
        }
        else
        {
            foreach (var (name, value) in logEvent.Properties)
                Visit(name, value, ref replaced);
        }
        if (replaced is null)
            return null;

        var kept = logEvent.Properties.Select(p => new LogEventProperty(p.Key, replaced.GetValueOrDefault(p.Key, p.Value)));
        return new LogEvent(logEvent.Timestamp, logEvent.Level, logEvent.Exception, logEvent.MessageTemplate, kept,
            logEvent.TraceId ?? default, logEvent.SpanId ?? default);
    }

    /// <summary>The text that stands for a value whose <c>ToString</c> threw <paramref name="failure"/>.</summary>
    public static string MarkerFor(Exception failure) => $"<ToString() threw {failure.GetType().Name}>";

    static void Visit(string name, LogEventPropertyValue value, ref Dictionary<string, LogEventPropertyValue>? replaced)
    {
        if (Marked(value) is { } marked)
            (replaced ??= new(StringComparer.Ordinal))[name] = marked;
    }

    /// <summary>The value with its failing parts marked, or null when none fails.</summary>
    static LogEventPropertyValue? Marked(LogEventPropertyValue value) => value switch
    {
        ScalarValue scalar => Failure(scalar.Value) is { } failure ? new ScalarValue(MarkerFor(failure)) : null,
        SequenceValue sequence => MarkedSequence(sequence),
        StructureValue structure => MarkedStructure(structure),
        DictionaryValue dictionary => MarkedDictionary(dictionary),
        _ => Failure(value) is { } failure ? new ScalarValue(MarkerFor(failure)) : null,
    };

    static SequenceValue? MarkedSequence(SequenceValue sequence)
    {
        var elements = sequence.Elements;
        LogEventPropertyValue[]? copy = null;
        for (var i = 0; i < elements.Count; i++)
        {
            if (Marked(elements[i]) is not { } marked)
                continue;
            copy ??= [.. elements];
            copy[i] = marked;
        }
        return copy is null ? null : new SequenceValue(copy);
    }

    static StructureValue? MarkedStructure(StructureValue structure)
    {
        var properties = structure.Properties;
        LogEventProperty[]? copy = null;
        for (var i = 0; i < properties.Count; i++)
        {
            if (Marked(properties[i].Value) is not { } marked)
                continue;
            copy ??= [.. properties];
            copy[i] = new LogEventProperty(properties[i].Name, marked);
        }
        return copy is null ? null : new StructureValue(copy, structure.TypeTag);
    }

    static DictionaryValue? MarkedDictionary(DictionaryValue dictionary)
    {
        var failed = false;
        foreach (var (key, element) in dictionary.Elements)
        {
            if (Failure(key.Value) is not null || Marked(element) is not null)
            {
                failed = true;
                break;
            }
        }
        if (!failed)
            return null;

        // Two keys that both fail would get the same marker: the second keeps its place under a numbered one.
        var copy = new List<KeyValuePair<ScalarValue, LogEventPropertyValue>>(dictionary.Elements.Count);
        var markers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, element) in dictionary.Elements)
        {
            var markedKey = key;
            if (Failure(key.Value) is { } failure)
            {
                var marker = MarkerFor(failure);
                for (var n = 2; !markers.Add(marker); n++)
                    marker = $"{MarkerFor(failure)} #{n}";
                markedKey = new ScalarValue(marker);
            }
            copy.Add(new(markedKey, Marked(element) ?? element));
        }
        return new DictionaryValue(copy);
    }

    /// <summary>What the value's <c>ToString</c> throws, as the formatters and the store call it; null when it does not.</summary>
    static Exception? Failure(object? value)
    {
        if (IsKnownSafe(value))
            return null;
        try
        {
            _ = value!.ToString();
            if (value is IFormattable formattable)
                _ = formattable.ToString(null, CultureInfo.InvariantCulture);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    static bool IsKnownSafe(object? value) => value is null or string or bool or char or Enum
        or sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal
        or DateTime or DateTimeOffset or TimeSpan or Guid or Uri or DateOnly or TimeOnly or byte[];
}
