using System.Text;
using Hopwatch.Sigma;

namespace Hopwatch.Tests.Sigma;

/// <summary>The cache's span reader reads exactly what BinaryWriter writes, and rejects cut-off or malformed bytes.</summary>
public class SigmaCacheReaderTests
{
    private static readonly string[] Texts =
    [
        "", "a", "CommandLine", new string('x', 127), new string('y', 128), new string('z', 20_000),
        "évènement \\ÄRGER\\ 😀 \u0000 end", "\\*\\?\\\\",
    ];

    private static byte[] Written()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var t in Texts) w.Write(t);
            w.Write(int.MinValue);
            w.Write(123456789);
            w.Write(true);
            w.Write(false);
            w.Write((byte)200);
        }
        return ms.ToArray();
    }

    [Fact]
    public void ReadsWhatBinaryWriterWrote()
    {
        var r = new SigmaCacheReader(Written());
        foreach (var t in Texts) Assert.Equal(t, r.ReadString());
        Assert.Equal(int.MinValue, r.ReadInt32());
        Assert.Equal(123456789, r.ReadInt32());
        Assert.True(r.ReadBoolean());
        Assert.False(r.ReadBoolean());
        Assert.Equal(200, r.ReadByte());
        Assert.True(r.AtEnd);
    }

    [Fact]
    public void CutOffOrMalformedBytesThrowWhatTheCacheCatches()
    {
        var data = Written();
        for (int cut = 0; cut < data.Length; cut += 997)
        {
            Assert.Throws<EndOfStreamException>(() =>
            {
                var r = new SigmaCacheReader(data.AsSpan(0, cut));
                foreach (var _ in Texts) r.ReadString();
                r.ReadInt32();
                r.ReadInt32();
                r.ReadBoolean();
                r.ReadBoolean();
                r.ReadByte();
            });
        }
        // A length prefix that never ends, or one beyond int range.
        Assert.Throws<FormatException>(() => new SigmaCacheReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]).ReadString());
        Assert.Throws<FormatException>(() => new SigmaCacheReader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).ReadString());
    }
}
