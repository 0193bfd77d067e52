using System.Security.Cryptography;
using System.Text;

namespace Hopwatch.Simulation.Evtx;

/// <summary>
/// The shape of one kind of event as a BinXML template: the System block (always the same
/// substitutions) plus named EventData Data elements, or a UserData block with one wrapper
/// element (e.g. EventXML of the TerminalServices channels) holding child elements.
/// </summary>
public sealed class EvtxTemplateShape
{
    public EvtxTemplateShape(string key, IReadOnlyList<string> dataNames, IReadOnlyList<EvtxValueType> dataTypes,
        string? userDataElement = null, string? userDataNamespace = null)
    {
        if (dataNames.Count != dataTypes.Count) throw new ArgumentException("one type per data name");
        Key = key;
        DataNames = dataNames.ToArray();
        DataTypes = dataTypes.ToArray();
        UserDataElement = userDataElement;
        UserDataNamespace = userDataNamespace;
        // Stable across runs (the output must be byte-identical for one seed).
        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(Encoding.UTF8.GetBytes("hopwatch-template:" + key), hash);
        TemplateGuid = new Guid(hash);
    }

    public string Key { get; }
    public string[] DataNames { get; }
    public EvtxValueType[] DataTypes { get; }
    /// <summary>When set, values go under &lt;UserData&gt;&lt;{UserDataElement} xmlns=...&gt; instead of EventData.</summary>
    public string? UserDataElement { get; }
    public string? UserDataNamespace { get; }
    public Guid TemplateGuid { get; }
}
