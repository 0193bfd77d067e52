using Microsoft.Data.Sqlite;

namespace Hopwatch.Analytics;

/// <summary>
/// The rare-path baseline in an embedded SQLite file (`--state FILE`): every (kind, a, b) seen —
/// source→target pairs, account@target, account@hour, ssh account/source/target — with first/last
/// time and a count, plus the time span the baseline covers. Loaded into memory as 64-bit hashes.
/// </summary>
public sealed class BaselineStore : IDisposable
{
    private readonly SqliteConnection _db;

    public BaselineStore(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        _db.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Exec(@"CREATE TABLE IF NOT EXISTS seen (
                 hash INTEGER PRIMARY KEY, kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
                 first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, count INTEGER NOT NULL);
               CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);");
    }

    private void Exec(string sql)
    {
        using var c = _db.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    public DateTime? Get(string key)
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT value FROM meta WHERE key = $k";
        c.Parameters.AddWithValue("$k", key);
        return c.ExecuteScalar() is string s && DateTime.TryParse(s, null, System.Globalization.DateTimeStyles.RoundtripKind, out var t) ? t : null;
    }

    /// <summary>Earliest and latest event time the baseline has learnt from.</summary>
    public (DateTime? First, DateTime? Last) Span => (Get("first_event"), Get("last_event"));

    public long Count()
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT COUNT(*) FROM seen";
        return (long)c.ExecuteScalar()!;
    }

    public void LoadHashes(HashSet<long> into, int max)
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT hash FROM seen";
        using var r = c.ExecuteReader();
        while (r.Read() && into.Count < max) into.Add(r.GetInt64(0));
    }

    /// <summary>Writes observations and widens the covered span, in one transaction.</summary>
    public void Save(IEnumerable<BaselineEntry> entries, DateTime first, DateTime last)
    {
        using var tx = _db.BeginTransaction();
        using (var c = _db.CreateCommand())
        {
            c.Transaction = tx;
            c.CommandText = @"INSERT INTO seen (hash, kind, a, b, first_seen, last_seen, count) VALUES ($h, $k, $a, $b, $f, $l, $n)
                              ON CONFLICT(hash) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen),
                                first_seen = min(first_seen, excluded.first_seen), count = count + excluded.count";
            var h = c.Parameters.Add("$h", SqliteType.Integer);
            var k = c.Parameters.Add("$k", SqliteType.Text);
            var a = c.Parameters.Add("$a", SqliteType.Text);
            var b = c.Parameters.Add("$b", SqliteType.Text);
            var f = c.Parameters.Add("$f", SqliteType.Text);
            var l = c.Parameters.Add("$l", SqliteType.Text);
            var n = c.Parameters.Add("$n", SqliteType.Integer);
            c.Prepare();
            foreach (var e in entries)
            {
                h.Value = e.Hash; k.Value = e.Kind; a.Value = e.A; b.Value = e.B;
                f.Value = e.First.ToString("O"); l.Value = e.Last.ToString("O"); n.Value = e.Count;
                c.ExecuteNonQuery();
            }
        }
        var (oldFirst, oldLast) = Span;
        SetMeta("first_event", oldFirst is { } of && of < first ? of : first, tx);
        SetMeta("last_event", oldLast is { } ol && ol > last ? ol : last, tx);
        tx.Commit();
    }

    private void SetMeta(string key, DateTime value, SqliteTransaction tx)
    {
        using var c = _db.CreateCommand();
        c.Transaction = tx;
        c.CommandText = "INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        c.Parameters.AddWithValue("$k", key);
        c.Parameters.AddWithValue("$v", value.ToString("O"));
        c.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>One baseline observation.</summary>
public sealed class BaselineEntry(long hash, string kind, string a, string b, DateTime first)
{
    public long Hash { get; } = hash;
    public string Kind { get; } = kind;
    public string A { get; } = a;
    public string B { get; } = b;
    public DateTime First { get; set; } = first;
    public DateTime Last { get; set; } = first;
    public long Count { get; set; } = 1;

    /// <summary>Stable 64-bit FNV-1a over kind, a and b (the same on every run and machine).</summary>
    public static long HashOf(string kind, string a, string b)
    {
        ulong h = 14695981039346656037UL;
        static ulong Mix(ulong h, string s)
        {
            foreach (char c in s) { h ^= c; h *= 1099511628211UL; }
            h ^= 0x1f; h *= 1099511628211UL;
            return h;
        }
        h = Mix(Mix(Mix(h, kind), a), b);
        return (long)h;
    }
}
