using System.Text;

namespace Hopwatch.Sigma;

/// <summary>
/// Binary form of a parsed rule file for <see cref="SigmaParseCache"/>: every property of the detection
/// rules, in declaration order. Correlations and filters are never cached, so they have no form here.
/// </summary>
internal static class SigmaParseCacheFormat
{
    /// <remarks>Each rule's texts and detection in this form are noted on it (<see cref="SigmaRule.CacheForm"/>): the rule-set snapshot copies them.</remarks>
    public static byte[] WriteResult(SigmaParseResult result)
    {
        using var ms = new MemoryStream();
        var forms = new (int TextStart, int TextEnd, int DetectionStart, int DetectionEnd)[result.Rules.Count];
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(result.Rules.Count);
            for (int i = 0; i < forms.Length; i++) forms[i] = WriteRule(w, ms, result.Rules[i]);
        }
        var bytes = ms.ToArray();
        for (int i = 0; i < forms.Length; i++)
        {
            var (textStart, textEnd, detectionStart, detectionEnd) = forms[i];
            result.Rules[i].CacheForm = (bytes.AsMemory(textStart, textEnd - textStart), bytes.AsMemory(detectionStart, detectionEnd - detectionStart));
        }
        return bytes;
    }

    /// <summary>
    /// The rules of a cached file. Their detections are only checked here (every count, length and condition tag, as
    /// reading them would): each is read on first use of <see cref="SigmaRule.Detection"/>, from <paramref name="data"/>
    /// (kept for it). A warm load uses few of them: tests are built on first use, and most never are.
    /// </summary>
    /// <param name="pool">Gives the texts read now (log sources, statuses), which repeat across files.</param>
    public static SigmaParseResult ReadResult(ReadOnlyMemory<byte> data, string file, SigmaStringPool pool)
    {
        var r = new SigmaCacheReader(data.Span);
        var result = new SigmaParseResult();
        int n = Count(ref r);
        for (int i = 0; i < n; i++) result.Rules.Add(ReadRule(ref r, data, file, pool));
        if (!r.AtEnd) throw new InvalidDataException("trailing bytes in a cached rule file");
        return result;
    }

    /// <summary>A detection <see cref="ReadResult"/> checked and left to first use.</summary>
    public static SigmaDetection ReadDetection(ReadOnlyMemory<byte> data)
    {
        var r = new SigmaCacheReader(data.Span);
        var detection = ReadDetection(ref r);
        return r.AtEnd ? detection : throw new InvalidDataException("trailing bytes in a cached detection");
    }

    /// <summary>The <see cref="SigmaRule.CompileFacts"/> of a file's rules, in rule order (a rule without facts too).</summary>
    public static byte[] WriteFacts(IReadOnlyList<SigmaRule> rules)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(rules.Count);
            foreach (var rule in rules)
            {
                var facts = rule.CompileFacts;
                w.Write(facts is not null);
                if (facts is null) continue;
                if (facts.FromCache)
                {
                    w.Write(facts.Cached.Span); // as read: the same form as below
                    continue;
                }
                w.Write(facts.RequiredEventIds is not null);
                if (facts.RequiredEventIds is { } ids)
                {
                    w.Write(ids.Length);
                    foreach (int id in ids) w.Write(id);
                }
                w.Write(facts.Variants.Count);
                foreach (var v in facts.Variants)
                {
                    Strings(w, v.FieldNames);
                    w.Write(v.Literals is not null);
                    if (v.Literals is null) continue;
                    w.Write(v.Literals.Count);
                    foreach (var l in v.Literals) { w.Write(l.Field); w.Write(l.Text); w.Write(l.NonAscii); }
                }
            }
        }
        return ms.ToArray();
    }

    /// <summary>
    /// Attaches facts written by <see cref="WriteFacts"/> to the same file's rules, each as its slice of
    /// <paramref name="data"/> (checked here: every count and length, as reading them would); returns how many rules got facts.
    /// </summary>
    public static int AttachFacts(ReadOnlyMemory<byte> data, IReadOnlyList<SigmaRule> rules)
    {
        var r = new SigmaCacheReader(data.Span);
        if (Count(ref r) != rules.Count) throw new InvalidDataException("facts for another number of rules");
        var facts = new SigmaCompileFacts?[rules.Count];
        for (int i = 0; i < rules.Count; i++)
        {
            if (!r.ReadBoolean()) continue;
            int start = r.Position;
            if (r.ReadBoolean()) r.Skip(4 * Count(ref r));
            int variants = Count(ref r);
            for (int k = 0; k < variants; k++)
            {
                for (int n = Count(ref r); n > 0; n--) r.SkipString();
                if (!r.ReadBoolean()) continue;
                for (int l = Count(ref r); l > 0; l--)
                {
                    r.SkipString();
                    r.SkipString();
                    r.ReadBoolean();
                }
            }
            facts[i] = new SigmaCompileFacts { Cached = data[start..r.Position], CachedVariantCount = variants };
        }
        if (!r.AtEnd) throw new InvalidDataException("trailing bytes in cached compile facts");
        int attached = 0;
        for (int i = 0; i < rules.Count; i++)
        {
            rules[i].CompileFacts = facts[i]; // only once all of them read well
            if (facts[i] is not null) attached++;
        }
        return attached;
    }

    /// <summary>
    /// Reads one rule's cached facts (<see cref="SigmaCompileFacts.Cached"/>) into this load: each variant's field names
    /// numbered in <paramref name="table"/> in the order its compilation asked for them, then its required texts
    /// (into <paramref name="required"/>, one list or null per variant). Returns the EventIDs the detection requires, or null.
    /// </summary>
    public static int[]? ReadRuleFacts(ReadOnlySpan<byte> facts, SigmaFieldTable table, SigmaStringPool pool, SigmaLiteralAtom[]?[] required)
    {
        var r = new SigmaCacheReader(facts);
        int[]? ids = null;
        if (r.ReadBoolean())
        {
            ids = new int[Count(ref r)];
            for (int k = 0; k < ids.Length; k++) ids[k] = r.ReadInt32();
        }
        if (Count(ref r) != required.Length) throw new InvalidDataException("facts for another number of variants");
        // The texts of one field follow each other: their field's name is compared with the last one before it is looked up.
        ReadOnlySpan<byte> lastName = [];
        int lastField = -1;
        for (int k = 0; k < required.Length; k++)
        {
            for (int n = Count(ref r); n > 0; n--) FieldId(table, pool.FieldIds, r.ReadStringBytes());
            if (!r.ReadBoolean()) continue;
            var literals = required[k] = new SigmaLiteralAtom[Count(ref r)];
            for (int l = 0; l < literals.Length; l++)
            {
                var name = r.ReadStringBytes();
                if (lastField < 0 || !name.SequenceEqual(lastName))
                {
                    lastName = name;
                    lastField = FieldId(table, pool.FieldIds, name);
                }
                literals[l] = new SigmaLiteralAtom(lastField, pool.Get(r.ReadStringBytes()), r.ReadBoolean());
            }
        }
        return r.AtEnd ? ids : throw new InvalidDataException("trailing bytes in a rule's cached facts");
    }

    /// <summary>The field number of a name given in UTF-8 (through <paramref name="known"/>: no string made for a name seen before).</summary>
    private static int FieldId(SigmaFieldTable table, SigmaUtf8Map<int> known, ReadOnlySpan<byte> utf8)
    {
        if (known.TryGetValue(utf8, out int id)) return id;
        id = table.IdOf(Encoding.UTF8.GetString(utf8));
        known.Add(utf8, id);
        return id;
    }

    public static byte[] WritePipeline(SigmaLogSourcePipeline pipeline)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(pipeline.Mappings.Count);
            foreach (var m in pipeline.Mappings)
            {
                Opt(w, m.Match.Product);
                Opt(w, m.Match.Category);
                Opt(w, m.Match.Service);
                Strings(w, m.Channels);
                w.Write(m.EventIds.Count);
                foreach (int id in m.EventIds) w.Write(id);
                w.Write(m.Conditions.Count);
                foreach (var (field, values) in m.Conditions) { w.Write(field); Strings(w, values); }
                w.Write(m.FieldMap.Count);
                foreach (var (from, to) in m.FieldMap) { w.Write(from); w.Write(to); }
            }
            w.Write(pipeline.FormatAliases.Count);
            foreach (var (format, fields) in pipeline.FormatAliases)
            {
                w.Write((int)format);
                w.Write(fields.Count);
                foreach (var (field, alts) in fields) { w.Write(field); Strings(w, alts); }
            }
            w.Write(pipeline.FormatPrefixes.Count);
            foreach (var (format, prefixes) in pipeline.FormatPrefixes) { w.Write((int)format); Strings(w, prefixes); }
        }
        return ms.ToArray();
    }

    /// <summary>The pipeline as <see cref="SigmaLogSourcePipeline.Parse"/> built it (dictionaries keep their order and comparers).</summary>
    public static SigmaLogSourcePipeline ReadPipeline(byte[] data)
    {
        using var r = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        var mappings = new List<SigmaLogSourceMapping>(Count(r));
        for (int i = mappings.Capacity; i > 0; i--)
        {
            var match = new SigmaLogSource(Opt(r), Opt(r), Opt(r));
            var channels = Strings(r);
            var ids = new List<int>(Count(r));
            for (int k = ids.Capacity; k > 0; k--) ids.Add(r.ReadInt32());
            var conditions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            for (int k = Count(r); k > 0; k--) conditions[r.ReadString()] = Strings(r);
            var fieldMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int k = Count(r); k > 0; k--) fieldMap[r.ReadString()] = r.ReadString();
            mappings.Add(new SigmaLogSourceMapping { Match = match, Channels = channels, EventIds = ids, Conditions = conditions, FieldMap = fieldMap });
        }
        var aliases = new Dictionary<Hopwatch.Events.SourceFormat, Dictionary<string, string[]>>();
        for (int k = Count(r); k > 0; k--)
        {
            var format = Format(r);
            var fields = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            for (int f = Count(r); f > 0; f--) fields[r.ReadString()] = Strings(r).ToArray();
            aliases[format] = fields;
        }
        var prefixes = new Dictionary<Hopwatch.Events.SourceFormat, string[]>();
        for (int k = Count(r); k > 0; k--) prefixes[Format(r)] = Strings(r).ToArray();
        if (r.BaseStream.Position != data.Length) throw new InvalidDataException("trailing bytes in a cached pipeline");
        return new SigmaLogSourcePipeline { Mappings = mappings, FormatAliases = aliases, FormatPrefixes = prefixes };
    }

    private static Hopwatch.Events.SourceFormat Format(BinaryReader r)
    {
        int f = r.ReadInt32();
        return Enum.IsDefined(typeof(Hopwatch.Events.SourceFormat), f) ? (Hopwatch.Events.SourceFormat)f : throw new InvalidDataException("unknown source format " + f);
    }

    /// <summary>Writes a rule; returns where its texts and its detection lie in <paramref name="ms"/> (the stream under <paramref name="w"/>).</summary>
    private static (int, int, int, int) WriteRule(BinaryWriter w, MemoryStream ms, SigmaRule rule)
    {
        if (rule.Correlation is not null) throw new InvalidOperationException("correlation rules are not cached");
        w.Flush();
        int textStart = (int)ms.Position;
        WriteRuleText(w, rule);
        w.Flush();
        int textEnd = (int)ms.Position;
        Opt(w, rule.LogSource.Product);
        Opt(w, rule.LogSource.Category);
        Opt(w, rule.LogSource.Service);
        w.Write(rule.Line);
        w.Write(rule.Detection is not null);
        w.Flush();
        int detectionStart = (int)ms.Position;
        if (rule.Detection is { } d) WriteDetection(w, d);
        w.Flush();
        return (textStart, textEnd, detectionStart, (int)ms.Position);
    }

    /// <summary>
    /// A rule as <see cref="WriteRule"/> wrote it. What indexing and running it needs is read now; its descriptive
    /// texts (<see cref="SigmaRuleText"/>) and its detection are checked and left to be read on first use.
    /// </summary>
    private static SigmaRule ReadRule(ref SigmaCacheReader r, ReadOnlyMemory<byte> data, string file, SigmaStringPool pool)
    {
        int textStart = r.Position;
        r.SkipString(); // id
        r.SkipString(); // title
        SkipOpt(ref r); // name
        string? status = r.ReadBoolean() ? pool.Get(r.ReadStringBytes()) : null;
        SkipOpt(ref r); // description
        SkipOpt(ref r); // level
        for (int t = Count(ref r); t > 0; t--) r.SkipString(); // tags
        var text = data[textStart..r.Position];
        string? product = OptPooled(ref r, pool), category = OptPooled(ref r, pool), service = OptPooled(ref r, pool);
        int line = r.ReadInt32();
        var detection = ReadOnlyMemory<byte>.Empty;
        if (r.ReadBoolean())
        {
            int start = r.Position;
            SkipDetection(ref r);
            detection = data[start..r.Position];
        }
        return new SigmaRule(text)
        {
            Status = status,
            LogSource = product is null && category is null && service is null ? SigmaLogSource.Empty : new SigmaLogSource(product, category, service),
            CachedDetection = detection, File = file, Line = line,
        };
    }

    /// <summary>The texts <see cref="ReadRuleText"/> reads (from id to tags; the status between them).</summary>
    internal static void WriteRuleText(BinaryWriter w, SigmaRule rule)
    {
        w.Write(rule.Id);
        w.Write(rule.Title);
        Opt(w, rule.Name);
        Opt(w, rule.Status);
        Opt(w, rule.Description);
        Opt(w, rule.Level);
        Strings(w, rule.Tags);
    }

    /// <summary>The texts of a rule <see cref="ReadRule"/> left for later (from id to tags, as written).</summary>
    public static SigmaRuleText ReadRuleText(ReadOnlyMemory<byte> data)
    {
        var r = new SigmaCacheReader(data.Span);
        var text = new SigmaRuleText { Id = r.ReadString(), Title = r.ReadString(), Name = Opt(ref r) };
        SkipOpt(ref r); // status: read with the rule
        text.Description = Opt(ref r);
        text.Level = Opt(ref r);
        text.Tags = Strings(ref r);
        return r.AtEnd ? text : throw new InvalidDataException("trailing bytes in cached rule texts");
    }

    private static string? OptPooled(ref SigmaCacheReader r, SigmaStringPool pool) => r.ReadBoolean() ? pool.Get(r.ReadStringBytes()) : null;

    /// <summary>A detection in the form <see cref="ReadDetection(ReadOnlyMemory{byte})"/> reads.</summary>
    internal static void WriteDetection(BinaryWriter w, SigmaDetection d)
    {
        w.Write(d.Searches.Count);
        foreach (var s in d.Searches)
        {
            w.Write(s.Name);
            w.Write(s.Line);
            w.Write(s.Alternatives.Count);
            foreach (var alt in s.Alternatives)
            {
                w.Write(alt.Count);
                foreach (var f in alt)
                {
                    Opt(w, f.Field);
                    Strings(w, f.Modifiers);
                    w.Write(f.Values.Count);
                    foreach (var v in f.Values) Opt(w, v);
                    w.Write(f.IsList);
                    w.Write(f.Line);
                }
            }
        }
        WriteCondition(w, d.Condition);
        w.Write(d.ConditionText);
        w.Write(d.Line);
    }

    private static SigmaDetection ReadDetection(ref SigmaCacheReader r)
    {
        var searches = new List<SigmaSearch>(Count(ref r));
        for (int i = searches.Capacity; i > 0; i--)
        {
            string name = r.ReadString();
            int line = r.ReadInt32();
            var alternatives = new List<IReadOnlyList<SigmaFieldSpec>>(Count(ref r));
            for (int a = alternatives.Capacity; a > 0; a--)
            {
                var specs = new List<SigmaFieldSpec>(Count(ref r));
                for (int f = specs.Capacity; f > 0; f--)
                {
                    string? field = Opt(ref r);
                    var modifiers = Strings(ref r);
                    var values = new List<string?>(Count(ref r));
                    for (int v = values.Capacity; v > 0; v--) values.Add(Opt(ref r));
                    specs.Add(new SigmaFieldSpec { Field = field, Modifiers = modifiers, Values = values, IsList = r.ReadBoolean(), Line = r.ReadInt32() });
                }
                alternatives.Add(specs);
            }
            searches.Add(new SigmaSearch { Name = name, Line = line, Alternatives = alternatives });
        }
        var condition = ReadCondition(ref r, 0);
        return new SigmaDetection { Searches = searches, Condition = condition, ConditionText = r.ReadString(), Line = r.ReadInt32() };
    }

    private static void WriteCondition(BinaryWriter w, SigmaConditionNode node)
    {
        switch (node)
        {
            case SigmaAnd a: w.Write((byte)1); WriteCondition(w, a.Left); WriteCondition(w, a.Right); break;
            case SigmaOr o: w.Write((byte)2); WriteCondition(w, o.Left); WriteCondition(w, o.Right); break;
            case SigmaNot n: w.Write((byte)3); WriteCondition(w, n.Operand); break;
            case SigmaSearchRef s: w.Write((byte)4); w.Write(s.Name); break;
            case SigmaOf of: w.Write((byte)5); w.Write(of.All); w.Write(of.Pattern); break;
            default: throw new InvalidOperationException("unknown condition node " + node);
        }
    }

    /// <summary>Passes over what <see cref="ReadDetection(ref SigmaCacheReader)"/> reads, with the same checks, making nothing.</summary>
    private static void SkipDetection(ref SigmaCacheReader r)
    {
        for (int i = Count(ref r); i > 0; i--)
        {
            r.SkipString();
            r.ReadInt32();
            for (int a = Count(ref r); a > 0; a--)
            {
                for (int f = Count(ref r); f > 0; f--)
                {
                    SkipOpt(ref r);
                    for (int m = Count(ref r); m > 0; m--) r.SkipString();
                    for (int v = Count(ref r); v > 0; v--) SkipOpt(ref r);
                    r.ReadBoolean();
                    r.ReadInt32();
                }
            }
        }
        SkipCondition(ref r, 0);
        r.SkipString();
        r.ReadInt32();
    }

    private static void SkipCondition(ref SigmaCacheReader r, int depth)
    {
        if (depth > 10_000) throw new InvalidDataException("condition nested too deeply");
        switch (r.ReadByte())
        {
            case 1 or 2: SkipCondition(ref r, depth + 1); SkipCondition(ref r, depth + 1); break;
            case 3: SkipCondition(ref r, depth + 1); break;
            case 4: r.SkipString(); break;
            case 5: r.ReadBoolean(); r.SkipString(); break;
            case var b: throw new InvalidDataException($"unknown condition tag {b}");
        }
    }

    private static void SkipOpt(ref SigmaCacheReader r)
    {
        if (r.ReadBoolean()) r.SkipString();
    }

    private static SigmaConditionNode ReadCondition(ref SigmaCacheReader r, int depth)
    {
        if (depth > 10_000) throw new InvalidDataException("condition nested too deeply");
        return r.ReadByte() switch
        {
            1 => new SigmaAnd(ReadCondition(ref r, depth + 1), ReadCondition(ref r, depth + 1)),
            2 => new SigmaOr(ReadCondition(ref r, depth + 1), ReadCondition(ref r, depth + 1)),
            3 => new SigmaNot(ReadCondition(ref r, depth + 1)),
            4 => new SigmaSearchRef(r.ReadString()),
            5 => new SigmaOf(r.ReadBoolean(), r.ReadString()),
            var b => throw new InvalidDataException($"unknown condition tag {b}"),
        };
    }

    private static int Count(BinaryReader r)
    {
        int n = r.ReadInt32();
        return n is >= 0 and <= 10_000_000 ? n : throw new InvalidDataException("bad count " + n);
    }

    private static void Opt(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? Opt(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static string? Opt(ref SigmaCacheReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static int Count(ref SigmaCacheReader r)
    {
        int n = r.ReadInt32();
        return n is >= 0 and <= 10_000_000 ? n : throw new InvalidDataException("bad count " + n);
    }

    private static List<string> Strings(ref SigmaCacheReader r)
    {
        var list = new List<string>(Count(ref r));
        for (int i = list.Capacity; i > 0; i--) list.Add(r.ReadString());
        return list;
    }

    private static void Strings(BinaryWriter w, IReadOnlyList<string> list)
    {
        w.Write(list.Count);
        foreach (var s in list) w.Write(s);
    }

    private static List<string> Strings(BinaryReader r)
    {
        var list = new List<string>(Count(r));
        for (int i = list.Capacity; i > 0; i--) list.Add(r.ReadString());
        return list;
    }
}
