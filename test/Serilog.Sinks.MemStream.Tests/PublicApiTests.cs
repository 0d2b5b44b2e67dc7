using PublicApiGenerator;
using Snapshooter;
using Snapshooter.NUnit;

namespace Serilog.Sinks.MemStream.Tests;

public class PublicApiTests
{
    /// <summary>One snapshot per library assembly, named after it, so that a change to any package's surface is on purpose.</summary>
    [TestCase(typeof(MemStreamSink))]
    [TestCase(typeof(Serilog.Sinks.MemStream.AspNetCore.MemStreamEndpointOptions))]
    [TestCase(typeof(Serilog.Sinks.MemStream.Redis.MemStreamFleetOptions))]
    public void ThePublicApiChangesOnlyOnPurpose(Type typeInAssembly)
    {
        var api = typeInAssembly.Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],
            // The generator leaves out Microsoft.* namespaces by default; the extension methods live there by ASP.NET convention.
            AllowNamespacePrefixes = ["Microsoft.AspNetCore.Builder", "Microsoft.Extensions.DependencyInjection"],
        });

        Snapshot.Match(api, SnapshotNameExtension.Create(typeInAssembly.Assembly.GetName().Name!));
    }
}
