using System.Text.RegularExpressions;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>
/// The compaction each kind of family gets, read from the OPTIONS file RocksDB writes for every open database (what it
/// actually applied, not what the store meant to ask for). Index families have bounded levels sized from the memory
/// budget's write buffer: with RocksDB's default, a 256 MiB first level, every compaction of a growing index rewrote
/// all of it (the bench's <c>growth</c> run). Log families keep the default: their files are only moved down.
/// </summary>
public class FamilyOptionsTests
{
    const long Mebibyte = 1024 * 1024;
    const long RocksDefaultLevelBase = 256 * Mebibyte;

    [TestCase(16L * 1024 * 1024, 16, 8)]
    [TestCase(48L * 1024 * 1024, 32, 16)]
    [TestCase(4L * 1024 * 1024, 4, 2)]
    public void IndexFamiliesHaveLevelsSizedFromTheWriteBufferAndLogFamiliesKeepRocksDbsDefault(long budget, long levelBaseMiB, long fileMiB)
    {
        using var folder = new TempFolder();
        var storePath = folder.Combine("store");
        var name = Some.UniqueName();
        using (var logger = new LoggerConfiguration()
                   .WriteTo.MemStream(storePath: storePath, name: name, storeMemoryBudget: budget)
                   .CreateLogger())
        {
            logger.ForContext("CorrelationId", "order-1").Information("stored");
            MemStream.Named(name).Flush();
        }

        AssertOptions(storePath, name, levelBaseMiB, fileMiB, "families created while the store runs");

        // Reopened, the families already exist: they are opened with the same options.
        using (var logger = new LoggerConfiguration()
                   .WriteTo.MemStream(storePath: storePath, name: name, storeMemoryBudget: budget)
                   .CreateLogger())
        {
            MemStream.Named(name).Flush();
            AssertOptions(storePath, name, levelBaseMiB, fileMiB, "families opened with the store");
        }
    }

    static void AssertOptions(string storePath, string name, long levelBaseMiB, long fileMiB, string when)
    {
        var options = NewestOptionsFile(storePath);
        var index = FamilySection(options, $"ttl-86400s@{name}");
        var log = FamilySection(options, $"ttl-86400s-log@{name}");
        Assert.Multiple(() =>
        {
            Assert.That(Setting(index, "max_bytes_for_level_base"), Is.EqualTo(levelBaseMiB * Mebibyte), when);
            Assert.That(Setting(index, "target_file_size_base"), Is.EqualTo(fileMiB * Mebibyte), when);
            // Levels sized from the bottom up, as the store's documentation of the choice assumes.
            Assert.That(Setting(index, "level_compaction_dynamic_level_bytes"), Is.EqualTo("true"), when);
            Assert.That(Setting(index, "compression"), Is.EqualTo("kLZ4Compression"), when);
            Assert.That(Setting(log, "max_bytes_for_level_base"), Is.EqualTo(RocksDefaultLevelBase), when);
            Assert.That(Setting(log, "compression"), Is.EqualTo("kLZ4Compression"), when);
        });
    }

    // RocksDB writes OPTIONS-<number> (and a .dbtmp while it does); the highest number is the one in force.
    static string NewestOptionsFile(string storePath) =>
        File.ReadAllText(Directory.GetFiles(storePath, "OPTIONS-*").Where(f => !f.EndsWith(".dbtmp", StringComparison.Ordinal))
            .OrderBy(f => long.Parse(Path.GetFileName(f)["OPTIONS-".Length..])).Last());

    static string FamilySection(string options, string family)
    {
        var start = options.IndexOf($"[CFOptions \"{family}\"]", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"RocksDB's OPTIONS file has no family {family}");
        var end = options.IndexOf("\n[", start + 1, StringComparison.Ordinal);
        return end < 0 ? options[start..] : options[start..end];
    }

    static object Setting(string section, string setting)
    {
        var match = Regex.Match(section, $@"^\s*{Regex.Escape(setting)}=(.*)$", RegexOptions.Multiline);
        Assert.That(match.Success, $"no {setting} in {section[..Math.Min(80, section.Length)]}");
        var value = match.Groups[1].Value.Trim();
        return long.TryParse(value, out var number) ? number : value;
    }
}
