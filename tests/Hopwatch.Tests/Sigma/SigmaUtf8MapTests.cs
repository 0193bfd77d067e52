using System.Text;
using Hopwatch.Sigma;

namespace Hopwatch.Tests.Sigma;

/// <summary>The byte-keyed map behind the parsed-rule cache's look-ups finds exactly the keys added, across growth.</summary>
public class SigmaUtf8MapTests
{
    [Fact]
    public void FindsEveryKeyAddedAndNoOther()
    {
        var map = new SigmaUtf8Map<int>(capacity: 4, keyBytes: 8); // small: it must grow many times
        var keys = new List<string> { "", "a", "CommandLine", "commandline", "\\POWERSHELL.EXE", "évènement", "😀", new string('x', 300) };
        for (int i = 0; i < 5000; i++) keys.Add("Field" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (int i = 0; i < keys.Count; i++)
        {
            Assert.False(map.TryGetValue(Encoding.UTF8.GetBytes(keys[i]), out _), keys[i]);
            map.Add(Encoding.UTF8.GetBytes(keys[i]), i);
        }
        Assert.Equal(keys.Count, map.Count);
        for (int i = 0; i < keys.Count; i++)
        {
            Assert.True(map.TryGetValue(Encoding.UTF8.GetBytes(keys[i]), out int value), keys[i]);
            Assert.Equal(i, value);
        }
        // Keys differing only in case, a prefix or a last byte are other keys.
        foreach (var other in new[] { "COMMANDLINE", "CommandLin", "CommandLinf", "Field5000", "x" })
            Assert.False(map.TryGetValue(Encoding.UTF8.GetBytes(other), out _), other);
    }

    [Fact]
    public void StringPoolGivesOneInstancePerTextAndDecodesAsUtf8()
    {
        var pool = new SigmaStringPool(1);
        var a = pool.Get(Encoding.UTF8.GetBytes("\\cmd.exe"));
        var b = pool.Get(Encoding.UTF8.GetBytes("\\cmd.exe"));
        Assert.Equal("\\cmd.exe", a);
        Assert.Same(a, b);
        Assert.Equal("évènement", pool.Get(Encoding.UTF8.GetBytes("évènement")));
        Assert.Equal("", pool.Get([]));
        // Invalid UTF-8 reads as Encoding.UTF8 reads it (replacement characters), as the uncached reader did.
        byte[] invalid = [0x41, 0xFF, 0x42];
        Assert.Equal(Encoding.UTF8.GetString(invalid), pool.Get(invalid));
    }
}
