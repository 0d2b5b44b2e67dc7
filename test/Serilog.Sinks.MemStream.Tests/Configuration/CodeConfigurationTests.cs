using Serilog.Formatting;

namespace Serilog.Sinks.MemStream.Tests.Configuration;

public class CodeConfigurationTests
{
    static void Configure(Action<LoggerConfiguration> configure) => configure(new LoggerConfiguration());

    [Test]
    public void ANullOutputTemplateIsRejected()
    {
        Assert.That(() => Configure(c => c.WriteTo.MemStream(outputTemplate: null!)),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("outputTemplate"));
    }

    [Test]
    public void ANullFormatterIsRejected()
    {
        Assert.That(() => Configure(c => c.WriteTo.MemStream(formatter: (ITextFormatter)null!)),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("formatter"));
    }

    [Test]
    public void ANonPositiveBufferSizeIsRejectedWithAMessageThatSaysWhy()
    {
        Assert.That(() => Configure(c => c.WriteTo.MemStream(bufferSize: 0)),
            Throws.TypeOf<ArgumentOutOfRangeException>()
                .With.Property("ParamName").EqualTo("bufferSize")
                .And.Message.Contains("must be a non-negative and non-zero value"));
    }

    [Test]
    public void ANegativeRetentionIsRejected()
    {
        Assert.That(() => Configure(c => c.WriteTo.MemStream(retention: TimeSpan.FromHours(-1))),
            Throws.TypeOf<ArgumentOutOfRangeException>()
                .With.Property("ParamName").EqualTo("retention")
                .And.Message.Contains("positive time span"));
    }
}
