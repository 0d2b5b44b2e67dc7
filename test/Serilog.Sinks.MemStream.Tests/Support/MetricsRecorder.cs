using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>Listens to the Serilog.Sinks.MemStream meter and adds up what each instrument reports for one sink.</summary>
sealed class MetricsRecorder : IDisposable
{
    readonly MeterListener _listener = new();
    readonly ConcurrentDictionary<string, double> _totals = new();
    readonly string? _sink;

    public MetricsRecorder(string? sink)
    {
        _sink = sink;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Serilog.Sinks.MemStream")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of an instrument's measurements for this sink (or, for untagged instruments, overall), by tag value when given.</summary>
    public double Total(string instrument, string? reason = null)
    {
        _listener.RecordObservableInstruments();
        return _totals.GetValueOrDefault(reason is null ? instrument : $"{instrument}|{reason}");
    }

    /// <summary>How many measurements an instrument reported for this sink (for histograms).</summary>
    public double Count(string instrument) => _totals.GetValueOrDefault(instrument + "#count");

    void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? sink = null, reason = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "sink") sink = tag.Value as string;
            if (tag.Key == "reason") reason = tag.Value as string;
        }
        if (sink is not null && sink != (_sink ?? "default"))
            return;
        var isGauge = instrument.GetType().Name.StartsWith("ObservableGauge", StringComparison.Ordinal);
        _totals.AddOrUpdate(instrument.Name, value, (_, total) => isGauge ? value : total + value);
        _totals.AddOrUpdate(instrument.Name + "#count", 1, (_, count) => count + 1);
        if (reason is not null)
            _totals.AddOrUpdate($"{instrument.Name}|{reason}", value, (_, total) => total + value);
    }

    public void Dispose() => _listener.Dispose();
}
