using PublicApiGenerator;
using Snapshooter.NUnit;

namespace Serilog.Sinks.MemStream.Tests;

public class PublicApiTests
{
    [Test]
    public void ThePublicApiChangesOnlyOnPurpose()
    {
        var api = typeof(MemStreamSink).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],
        });

        Snapshot.Match(api);
    }
}
