using System.Globalization;
using System.Text;
using Hopwatch.Scoring;

namespace Hopwatch.Reporting;

/// <summary>
/// Draws an incident's hop graph as SVG: one column per layer (sources left, each hop one column
/// further right), tall layers wrapped into sub-columns of at most 12 hosts so a fan-out to 60+
/// hosts stays readable; chain hops are numbered and drawn thick. Every label is escaped.
/// </summary>
internal static class SvgHopGraph
{
    private const int NodeW = 170, NodeH = 34, ColGap = 70, RowGap = 14, Pad = 20, MaxPerColumn = 12, ColumnsPerBand = 6, BandGap = 56;

    public static void Render(StringBuilder sb, Incident inc, string svgId, int maxNodes)
    {
        var nodes = inc.Graph.Nodes.Take(maxNodes).ToList();
        if (nodes.Count == 0)
        {
            sb.Append("<p class=\"muted\">No host-to-host hop in this incident.</p>");
            return;
        }
        // Columns: one per layer, tall layers split into sub-columns of MaxPerColumn hosts.
        var columns = new List<List<HopNode>>();
        var byLayer = StableSort.Sorted(nodes, static (x, y) => x.Layer.CompareTo(y.Layer));
        for (int first = 0; first < byLayer.Count;)
        {
            int end = first;
            while (end < byLayer.Count && byLayer[end].Layer == byLayer[first].Layer) end++;
            for (int start = first; start < end; start += MaxPerColumn)
                columns.Add(byLayer.GetRange(start, Math.Min(MaxPerColumn, end - start)));
            first = end;
        }
        // Long chains wrap into bands of ColumnsPerBand columns (read left to right, then the next
        // band below), so an 8-hop chain stays legible instead of shrinking to fit one row.
        int maxRows = 0;
        foreach (var c in columns) maxRows = Math.Max(maxRows, c.Count);
        int bands = (columns.Count + ColumnsPerBand - 1) / ColumnsPerBand;
        int colsInRow = Math.Min(columns.Count, ColumnsPerBand);
        double bandH = maxRows * (NodeH + RowGap) - RowGap + BandGap;
        var pos = new Dictionary<string, Point>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Count; c++)
            for (int r = 0; r < columns[c].Count; r++)
                pos[columns[c][r].Id] = new Point(Pad + (c % ColumnsPerBand) * (NodeW + ColGap), Pad + (c / ColumnsPerBand) * bandH + r * (NodeH + RowGap));
        double width = Pad * 2 + colsInRow * (NodeW + ColGap) - ColGap;
        double height = Pad * 2 + bands * bandH - BandGap + 40;

        sb.Append("<div class=\"zoombar\"><button type=\"button\" data-zoom-target=\"").Append(svgId).Append("\" data-zoom-step=\"0.8\">+</button>")
          .Append("<button type=\"button\" data-zoom-target=\"").Append(svgId).Append("\" data-zoom-step=\"1.25\">−</button>")
          .Append("<button type=\"button\" data-zoom-target=\"").Append(svgId).Append("\" data-zoom-step=\"0\">reset</button>")
          .Append("<span class=\"muted\"> wheel to zoom, drag to pan</span></div>");
        sb.Append("<svg class=\"graph zoomable\" id=\"").Append(svgId).Append("\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
          .AppendF(width).Append(' ').AppendF(height).Append("\" style=\"max-height:").AppendF(Math.Min(720, Math.Max(160, height))).Append("px\" role=\"img\" aria-label=\"hop graph\">");
        sb.Append("<defs><marker id=\"").Append(svgId).Append("-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"arrowhead\"/></marker></defs>");

        foreach (var e in inc.Graph.Edges)
        {
            if (!pos.TryGetValue(e.From, out var a) || !pos.TryGetValue(e.To, out var b)) continue;
            string d;
            double mx, my;
            if (b.X > a.X)
            {
                double x1 = a.X + NodeW, y1 = a.Y + NodeH / 2.0, x2 = b.X, y2 = b.Y + NodeH / 2.0, dx = (x2 - x1) / 2;
                d = $"M {F(x1)} {F(y1)} C {F(x1 + dx)} {F(y1)}, {F(x2 - dx)} {F(y2)}, {F(x2)} {F(y2)}";
                mx = (x1 + x2) / 2; my = (y1 + y2) / 2;
            }
            else if (b.Y > a.Y + NodeH + RowGap && b.X < a.X)
            {
                // Into the next band: leave from the bottom, arrive at the top.
                double x1 = a.X + NodeW / 2.0, y1 = a.Y + NodeH, x2 = b.X + NodeW / 2.0, y2 = b.Y, dy = (y2 - y1) / 2;
                d = $"M {F(x1)} {F(y1)} C {F(x1)} {F(y1 + dy)}, {F(x2)} {F(y2 - dy)}, {F(x2)} {F(y2)}";
                mx = (x1 + x2) / 2; my = (y1 + y2) / 2;
            }
            else
            {
                // Back or same-column edge: loop below the boxes so it does not cross them.
                double x1 = a.X + NodeW / 2.0, y1 = a.Y + NodeH, x2 = b.X + NodeW / 2.0, y2 = b.Y + NodeH;
                double low = Math.Max(y1, y2) + 30;
                d = $"M {F(x1)} {F(y1)} C {F(x1)} {F(low)}, {F(x2)} {F(low)}, {F(x2)} {F(y2)}";
                mx = (x1 + x2) / 2; my = low - 8;
            }
            sb.Append("<g class=\"edge").Append(e.Hop > 0 ? " hop" : "").Append("\" data-from=\"").AppendHtml(e.From).Append("\" data-to=\"").AppendHtml(e.To)
              .Append("\"><path d=\"").Append(d).Append("\" marker-end=\"url(#").Append(svgId).Append("-arrow)\"/>");
            sb.Append("<title>").AppendHtml($"{e.From} → {e.To}: {string.Join(", ", e.Users)}; {string.Join(", ", e.Techniques)}; {TriageAnswers.Ts(e.FirstSeen)}" +
                (e.LastSeen > e.FirstSeen ? " – " + TriageAnswers.Ts(e.LastSeen) : "") + $"; {e.AlertCount} alert(s)").Append("</title>");
            if (e.Hop > 0)
                sb.Append("<circle cx=\"").AppendF(mx).Append("\" cy=\"").AppendF(my).Append("\" r=\"9\" class=\"hopnum\"/><text x=\"").AppendF(mx).Append("\" y=\"").AppendF(my + 4)
                  .Append("\" text-anchor=\"middle\" class=\"hoplabel\">").Append(e.Hop).Append("</text>");
            sb.Append("</g>");
        }

        int order = 0;
        foreach (var n in nodes)
        {
            var (x, y) = pos[n.Id];
            var cls = "node " + n.Kind + (n.Sensitive ? " sensitive" : "") + (n.CredentialAccess ? " cred" : "");
            sb.Append("<g class=\"").Append(cls).Append("\" data-host=\"").AppendHtml(n.Id).Append("\" data-order=\"").Append(order++).Append("\">");
            sb.Append("<rect x=\"").AppendF(x).Append("\" y=\"").AppendF(y).Append("\" width=\"").Append(NodeW).Append("\" height=\"").Append(NodeH).Append("\" rx=\"6\"/>");
            sb.Append("<text x=\"").AppendF(x + 8).Append("\" y=\"").AppendF(y + 15).Append("\" class=\"hostname\">").AppendHtmlShort(n.Id, 24).Append("</text>");
            var sub = (n.Role is null ? n.Kind : n.Role) + (n.Sensitive ? " · sensitive" : "") + (n.CredentialAccess ? " · LSASS" : "");
            sb.Append("<text x=\"").AppendF(x + 8).Append("\" y=\"").AppendF(y + 28).Append("\" class=\"hostrole\">").AppendHtmlShort(sub, 30).Append("</text>");
            sb.Append("<title>").AppendHtml($"{n.Id} — {n.Role ?? "no role"} — {n.Kind} — first seen {TriageAnswers.Ts(n.FirstSeen)}").Append("</title></g>");
        }
        sb.Append("</svg>");
        if (inc.Graph.Nodes.Count > nodes.Count)
            sb.Append("<p class=\"muted\">").Append(inc.Graph.Nodes.Count - nodes.Count).Append(" more host(s) not drawn; all are listed in incidents.jsonl.</p>");
    }

    /// <summary>A node's top-left corner (a class: a tuple-valued dictionary is JIT-compiled at every run).</summary>
    private sealed record Point(double X, double Y);

    internal static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Appends <see cref="F"/>(<paramref name="v"/>) without making the string.</summary>
    internal static StringBuilder AppendF(this StringBuilder sb, double v)
    {
        // Most coordinates are whole numbers, which "0.#" writes as plain integers: skip the custom format for them.
        if (v >= 0 && v < 1_000_000_000 && v == Math.Floor(v) && !double.IsNegative(v)) return sb.Append((int)v);
        Span<char> text = stackalloc char[64];
        return v.TryFormat(text, out int n, "0.#", CultureInfo.InvariantCulture) ? sb.Append(text[..n]) : sb.Append(F(v));
    }
}
