using System.Globalization;
using System.Text;
using Hopwatch.Scoring;

namespace Hopwatch.Reporting;

/// <summary>An incident's timeline as a horizontally zoomable SVG: one lane per entry kind, marks coloured by severity.</summary>
internal static class SvgTimeline
{
    private static readonly string[] Lanes = ["alert", "failure", "activity", "credential-access"];
    private const double Left = 130, Width = 1000, LaneH = 26, Top = 10;

    public static void Render(StringBuilder sb, Incident inc, string svgId)
    {
        var entries = inc.Timeline;
        if (entries.Count == 0) return;
        DateTime t0 = entries[0].Time, t1 = entries[0].Time;
        foreach (var e in entries)
        {
            if (e.Time < t0) t0 = e.Time;
            if (e.Time > t1) t1 = e.Time;
        }
        if ((t1 - t0).TotalSeconds < 60) { t0 = SafeTime.Add(t0, TimeSpan.FromSeconds(-30)); t1 = SafeTime.Add(t1, TimeSpan.FromSeconds(30)); }
        if (t1 <= t0) t1 = t0.AddTicks(1);
        double span = (t1 - t0).Ticks;
        double X(DateTime t) => Left + (t - t0).Ticks / span * (Width - Left - 20);
        double height = Top + Lanes.Length * LaneH + 30;

        sb.Append("<div class=\"zoombar\"><button type=\"button\" data-zoom-target=\"").Append(svgId).Append("\" data-zoom-step=\"0.7\">+</button>")
          .Append("<button type=\"button\" data-zoom-target=\"").Append(svgId).Append("\" data-zoom-step=\"1.4\">−</button>")
          .Append("<button type=\"button\" data-zoom-target=\"").Append(svgId).Append("\" data-zoom-step=\"0\">reset</button>")
          .Append("<span class=\"muted\"> wheel to zoom time, drag to pan</span></div>");
        sb.Append("<svg class=\"timeline zoomable\" data-zoom=\"x\" id=\"").Append(svgId).Append("\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
          .Append(Width).Append(' ').AppendF(height).Append("\" role=\"img\" aria-label=\"timeline\">");
        for (int i = 0; i < Lanes.Length; i++)
        {
            double y = Top + i * LaneH;
            sb.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - 20).Append("\" y1=\"").AppendF(y + LaneH / 2).Append("\" y2=\"").AppendF(y + LaneH / 2).Append("\" class=\"lane\"/>");
            sb.Append("<text x=\"4\" y=\"").AppendF(y + LaneH / 2 + 4).Append("\" class=\"lanelabel\">").Append(Lanes[i]).Append("</text>");
        }
        bool days = (t1 - t0).TotalHours > 36;
        for (int i = 0; i <= 5; i++)
        {
            var t = t0 + TimeSpan.FromTicks((long)(span * i / 5));
            double x = X(t);
            sb.Append("<line x1=\"").AppendF(x).Append("\" x2=\"").AppendF(x).Append("\" y1=\"").Append(Top).Append("\" y2=\"").AppendF(height - 22).Append("\" class=\"tick\"/>");
            sb.Append("<text x=\"").AppendF(x).Append("\" y=\"").AppendF(height - 8).Append("\" text-anchor=\"middle\" class=\"ticklabel\">")
              .Append(t.ToString(days ? "MM-dd HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture)).Append("</text>");
        }
        foreach (var e in entries.Take(2000))
        {
            int lane = Array.IndexOf(Lanes, e.Kind);
            if (lane < 0) lane = 0;
            double y = Top + lane * LaneH + LaneH / 2;
            sb.Append("<circle cx=\"").AppendF(X(e.Time)).Append("\" cy=\"").AppendF(y).Append("\" r=\"5\" class=\"mark ");
            // The class and title written piece by piece (escaping each piece escapes the whole): no string per mark.
            if (e.Kind == "alert") sb.Append("sev-").AppendHtml(e.Severity ?? "medium");
            else sb.Append("kind-").AppendHtml(e.Kind);
            sb.Append("\"><title>").AppendTs(e.Time).Append(' ').AppendHtml(e.Title).Append(' ');
            if (e.Host is not null) sb.Append("on ").AppendHtml(e.Host);
            sb.Append(' ');
            if (e.User is not null) sb.Append("by ").AppendHtml(e.User);
            sb.Append("</title></circle>");
        }
        sb.Append("</svg>");
    }
}
