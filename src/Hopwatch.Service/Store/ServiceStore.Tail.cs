namespace Hopwatch.Service.Store;

/// <summary>How far each tailed file (by identity, not name, so rotation is followed) has been read.</summary>
public sealed partial class ServiceStore
{
    public long GetTailOffset(string identity)
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT offset FROM tail_offsets WHERE identity=$id";
        q.Parameters.AddWithValue("$id", identity);
        return q.ExecuteScalar() is long v ? v : -1;
    }

    public void SetTailOffset(string identity, string path, long offset)
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = "INSERT INTO tail_offsets(identity, path, offset, updated_at) VALUES ($id, $p, $o, $t) ON CONFLICT(identity) DO UPDATE SET path=excluded.path, offset=excluded.offset, updated_at=excluded.updated_at";
        q.Parameters.AddWithValue("$id", identity);
        q.Parameters.AddWithValue("$p", path);
        q.Parameters.AddWithValue("$o", offset);
        q.Parameters.AddWithValue("$t", Iso(DateTime.UtcNow));
        q.ExecuteNonQuery();
    }
}
