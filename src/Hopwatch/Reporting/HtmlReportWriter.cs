using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Scoring;

namespace Hopwatch.Reporting;

/// <summary>
/// report.html: one self-contained file (inline CSS, inline SVG, one inline script; no network).
/// Summary, incidents by risk with verdict and containment, triage answers, hop graph, zoomable
/// timeline and evidence tables. Every log string is escaped by <see cref="HtmlText"/>; as a second
/// wall, a Content-Security-Policy allows only the report's own script (by hash), so markup that
/// slipped through could still not run.
/// </summary>
public static class HtmlReportWriter
{
    public static void Write(string path, HuntResult hunt, IncidentAnalysisResult analysis, ReportOptions options)
    {
        // Large buffers: a 5 MB report went out through a 1 K-character writer buffer and 4 KB file writes.
        using var w = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1), new UTF8Encoding(false), 1 << 16);
        Write(w, hunt, analysis, options);
    }

    public static void Write(TextWriter w, HuntResult hunt, IncidentAnalysisResult analysis, ReportOptions options)
    {
        var sb = new StringBuilder(256 * 1024); // room for the largest incident detail: written out at 48 K, so it rarely grows
        var incidents = analysis.Incidents;
        var generated = options.GeneratedAt ?? DateTime.UtcNow;
        var scriptHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)));

        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-")
          .Append(scriptHash).Append("'\">");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">");
        sb.Append("<title>").AppendHtml(options.Title).Append("</title><style>").Append(Css).Append("</style></head><body>");

        // ---- header and summary ----
        sb.Append("<header><h1>").AppendHtml(options.Title).Append("</h1><p class=\"muted\">Generated ")
          .AppendTs(generated).Append(" by Hopwatch");
        if (options.Inputs.Count > 0) sb.Append(" · inputs: ").AppendHtml(string.Join(", ", options.Inputs.Take(20))).Append(options.Inputs.Count > 20 ? $" (+{options.Inputs.Count - 20})" : "");
        sb.Append("</p></header>");

        int esc = incidents.Count(i => i.Verdict.Kind == VerdictKind.Escalate);
        int inv = incidents.Count(i => i.Verdict.Kind == VerdictKind.Investigate);
        int ben = incidents.Count(i => i.Verdict.Kind == VerdictKind.LikelyBenign);
        sb.Append("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
        Card(sb, "incidents", incidents.Count.ToString(CultureInfo.InvariantCulture), "");
        Card(sb, "escalate", esc.ToString(CultureInfo.InvariantCulture), "v-escalate");
        Card(sb, "investigate", inv.ToString(CultureInfo.InvariantCulture), "v-investigate");
        Card(sb, "likely benign", ben.ToString(CultureInfo.InvariantCulture), "v-benign");
        Card(sb, "alerts", hunt.Alerts.Count.ToString(CultureInfo.InvariantCulture), "");
        Card(sb, "suppressed", hunt.Suppressed.Count.ToString(CultureInfo.InvariantCulture), "");
        Card(sb, "events", hunt.EventCount.ToString("N0", CultureInfo.InvariantCulture), "");
        Card(sb, "files", hunt.Diagnostics.FileCount.ToString(CultureInfo.InvariantCulture), "");
        Card(sb, "read warnings", hunt.Diagnostics.WarningCount.ToString(CultureInfo.InvariantCulture), hunt.Diagnostics.WarningCount > 0 ? "warn" : "");
        Card(sb, "elapsed", hunt.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s", "");
        sb.Append("</div>");

        if (analysis.EntityRisks.Count > 0)
        {
            sb.Append("<h3>Riskiest entities</h3><table class=\"grid\"><thead><tr><th>entity</th><th>kind</th><th>score</th><th>alerts</th><th>top contributions</th></tr></thead><tbody>");
            foreach (var r in analysis.EntityRisks.Take(10))
            {
                sb.Append("<tr><td>").AppendHtml(r.Name).Append("</td><td>").Append(KindLabel(r.Kind)).Append("</td><td class=\"num\">").Append(r.Score)
                  .Append("</td><td class=\"num\">").Append(r.AlertCount).Append("</td><td>");
                sb.AppendHtml(string.Join("; ", r.Contributions.Take(4).Select(c => $"{c.Reason} +{c.Points}{(c.Count > 1 ? " ×" + c.Count : "")}")));
                sb.Append("</td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        if (hunt.Suppressed.Count > 0)
        {
            sb.Append("<details><summary>").Append(hunt.Suppressed.Count).Append(" alert(s) suppressed by an allowlist</summary><table class=\"grid\"><thead><tr><th>time</th><th>analytic</th><th>alert</th><th>entities</th><th>reason</th></tr></thead><tbody>");
            foreach (var (a, reason) in hunt.Suppressed.Take(500))
                sb.Append("<tr><td>").AppendTs(a.TimeFirst).Append("</td><td>").AppendHtml(a.Analytic).Append("</td><td>").AppendHtmlShort(a.Title, 160)
                  .Append("</td><td>").AppendHtmlShort($"{string.Join(", ", a.Entities.Users)} from {string.Join(", ", a.Entities.SourceHosts.Concat(a.Entities.SourceIps))} to {string.Join(", ", a.Entities.TargetHosts)}", 200)
                  .Append("</td><td>").AppendHtml(reason).Append("</td></tr>");
            sb.Append("</tbody></table>");
            if (hunt.Suppressed.Count > 500) sb.Append("<p class=\"muted\">").Append(hunt.Suppressed.Count - 500).Append(" more not shown.</p>");
            sb.Append("</details>");
        }
        if (hunt.Diagnostics.WarningCount > 0)
        {
            sb.Append("<details><summary>").Append(hunt.Diagnostics.WarningCount).Append(" read warning(s)</summary><table class=\"grid\"><thead><tr><th>file</th><th>where</th><th>warning</th></tr></thead><tbody>");
            foreach (var wv in hunt.Diagnostics.WarningsInOrder().Take(200))
                sb.Append("<tr><td>").AppendHtml(wv.File).Append("</td><td>").AppendHtml(wv.Location).Append("</td><td>").AppendHtml(wv.Message).Append("</td></tr>");
            sb.Append("</tbody></table></details>");
        }
        sb.Append("</section>");

        // ---- incident table ----
        sb.Append("<section id=\"incidents\"><h2>Incidents by risk</h2>");
        if (incidents.Count == 0) sb.Append("<p>No incident: no alert was raised.</p>");
        else
        {
            sb.Append("<p><input id=\"filter\" type=\"search\" placeholder=\"filter incidents (user, host, verdict…)\" aria-label=\"filter incidents\"> <span class=\"muted\">")
              .Append(Math.Min(options.DetailedIncidents, incidents.Count)).Append(" highest-risk incident(s) have full detail below.</span></p>");
            sb.Append("<table class=\"grid\" id=\"incident-table\"><thead><tr><th>#</th><th>risk</th><th>verdict</th><th>incident</th><th>users</th><th>sources</th><th>targets</th><th>first seen</th><th>last seen</th><th>alerts</th></tr></thead><tbody>");
            for (int i = 0; i < incidents.Count; i++)
            {
                var inc = incidents[i];
                bool detailed = i < options.DetailedIncidents;
                sb.Append("<tr><td class=\"num\">").Append(i + 1).Append("</td><td class=\"num\">").Append(inc.RiskScore).Append("</td><td>");
                VerdictBadge(sb, inc.Verdict.Kind);
                sb.Append("</td><td>");
                if (detailed) sb.Append("<a href=\"#").AppendHtml(inc.Id).Append("\">");
                sb.AppendHtmlShort(inc.Title, 140);
                if (detailed) sb.Append("</a>");
                sb.Append("</td><td>").AppendHtmlShort(string.Join(", ", inc.Users), 80).Append("</td><td>")
                  .AppendHtmlShort(string.Join(", ", inc.SourceHosts.Concat(inc.SourceIps)), 80).Append("</td><td class=\"num\">").Append(inc.TargetHostCount)
                  .Append("</td><td>").AppendTs(inc.FirstSeen).Append("</td><td>").AppendTs(inc.LastSeen)
                  .Append("</td><td class=\"num\">").Append(inc.AlertCount).Append("</td></tr>");
                if (sb.Length > 48 * 1024) { w.Write(sb); sb.Clear(); }
            }
            sb.Append("</tbody></table>");
        }
        sb.Append("</section>");

        // ---- incident details ----
        if (incidents.Count > 0) sb.Append("<section id=\"details\"><h2>Incident details</h2>");
        for (int i = 0; i < Math.Min(options.DetailedIncidents, incidents.Count); i++)
        {
            Detail(sb, incidents[i], i, options);
            // Written out often enough that the builder's first buffer is reused rather than grown block by block.
            if (sb.Length > 48 * 1024) { w.Write(sb); sb.Clear(); }
        }
        if (incidents.Count > 0) sb.Append("</section>");

        sb.Append("<footer class=\"muted\">Hopwatch — T1021 Remote Services lateral movement. Full data: alerts.jsonl, incidents.jsonl, timeline.csv, attack-layer.json.</footer>");
        sb.Append("<script>").Append(Script).Append("</script></body></html>\n");
        w.Write(sb);
    }

    private static void Detail(StringBuilder sb, Incident inc, int index, ReportOptions options)
    {
        var id = HtmlText.Escape(inc.Id);
        sb.Append("<details class=\"incident\" id=\"").Append(id).Append('"').Append(index < 5 ? " open" : "").Append("><summary><span class=\"risk\">")
          .Append(inc.RiskScore).Append("</span> ");
        VerdictBadge(sb, inc.Verdict.Kind);
        sb.Append(' ').AppendHtml(inc.Title).Append(" <span class=\"muted\">").Append(id).Append("</span></summary><div class=\"body\">");

        // Verdict and containment.
        sb.Append("<div class=\"verdict ").Append(VerdictClass(inc.Verdict.Kind)).Append("\"><h3>Verdict: ").Append(Verdict.Label(inc.Verdict.Kind))
          .Append("</h3><p><b>Rule ").AppendHtml(inc.Verdict.RuleId).Append("</b>: ").AppendHtml(inc.Verdict.Rule)
          .Append("</p><p>").AppendHtml(inc.Verdict.Reason).Append("</p><h4>Containment</h4><ol>");
        foreach (var step in inc.Verdict.Containment)
            sb.Append("<li><b>").AppendHtml(step.Action).Append("</b>: ").AppendHtml(step.Text).Append("</li>");
        sb.Append("</ol></div>");

        // The hop graph first: where the movement went is what a responder looks at next.
        sb.Append("<h3>Hosts and hops</h3>");
        if (inc.Graph.Path.Count > 0)
            sb.Append("<p>Chain: ").AppendHtml(string.Join(" → ", inc.Graph.Path)).Append("</p>");
        SvgHopGraph.Render(sb, inc, "g-" + index, options.MaxGraphNodes);

        // Aggregation (the KQL hunt's summarize).
        sb.Append("<table class=\"kv\"><tbody>");
        Kv(sb, "users", string.Join(", ", inc.Users));
        Kv(sb, "domains", string.Join(", ", inc.Domains));
        Kv(sb, "source hosts", string.Join(", ", inc.SourceHosts));
        Kv(sb, "source IPs", string.Join(", ", inc.SourceIps));
        Kv(sb, "target hosts", $"{inc.TargetHostCount}: " + string.Join(", ", inc.TargetHosts.Take(60)) + (inc.TargetHostCount > 60 ? " …" : ""));
        Kv(sb, "first / last seen", TriageAnswers.Ts(inc.FirstSeen) + " / " + TriageAnswers.Ts(inc.LastSeen));
        Kv(sb, "logon types", string.Join(", ", inc.LogonTypes));
        Kv(sb, "max logon risk (KQL 1–3)", inc.MaxLogonRisk.ToString(CultureInfo.InvariantCulture));
        Kv(sb, "techniques", string.Join(", ", inc.Techniques));
        Kv(sb, "analytics", string.Join(", ", inc.Analytics));
        sb.Append("</tbody></table>");

        // Triage answers.
        sb.Append("<h3>Triage</h3><table class=\"grid triage\"><thead><tr><th>question</th><th>answer</th><th>finding and evidence</th></tr></thead><tbody>");
        foreach (var t in inc.Triage)
        {
            sb.Append("<tr class=\"").Append(t.Suspicious ? "suspicious" : "").Append("\"><td>").AppendHtml(t.Question).Append("</td><td><span class=\"ans ans-")
              .AppendHtml(t.Answer).Append("\">").AppendHtml(t.Answer).Append("</span></td><td>").AppendHtml(t.Summary);
            if (t.Evidence.Count > 0)
            {
                sb.Append("<ul>");
                foreach (var e in t.Evidence) sb.Append("<li>").AppendHtml(e).Append("</li>");
                sb.Append("</ul>");
            }
            sb.Append("</td></tr>");
        }
        sb.Append("</tbody></table>");

        // Risk.
        sb.Append("<h3>Risk ").Append(inc.RiskScore).Append("/100</h3><table class=\"grid\"><thead><tr><th>factor</th><th>reason</th><th>points</th></tr></thead><tbody>");
        foreach (var c in inc.RiskContributions.Take(40))
            sb.Append("<tr><td>").AppendHtml(c.Factor).Append("</td><td>").AppendHtml(c.Reason).Append("</td><td class=\"num\">")
              .Append(c.Points > 0 ? "+" : "").Append(c.Points).Append(c.Count > 1 ? " ×" + c.Count : "").Append("</td></tr>");
        sb.Append("</tbody></table>");

        sb.Append("<h3>Timeline</h3>");
        SvgTimeline.Render(sb, inc, "t-" + index);
        sb.Append("<details><summary>").Append(inc.Timeline.Count).Append(" timeline entries</summary><table class=\"grid\"><thead><tr><th>time</th><th>kind</th><th>what</th><th>host</th><th>user</th><th>source</th></tr></thead><tbody>");
        foreach (var e in inc.Timeline.Take(300))
            sb.Append("<tr><td>").AppendTs(e.Time).Append("</td><td>").AppendHtml(e.Kind).Append("</td><td>").AppendHtml(e.Title)
              .Append("</td><td>").AppendHtml(e.Host).Append("</td><td>").AppendHtml(e.User).Append("</td><td>").AppendHtml(e.Source).Append("</td></tr>");
        sb.Append("</tbody></table></details>");

        // Evidence.
        sb.Append("<h3>Alerts and evidence</h3><table class=\"grid\"><thead><tr><th>time</th><th>severity</th><th>analytic / rule</th><th>title and description</th><th>entities</th></tr></thead><tbody>");
        foreach (var a in inc.Alerts.Take(100))
        {
            sb.Append("<tr><td>").AppendTs(a.TimeFirst).Append("</td><td><span class=\"sev sev-").Append(SeverityName(a.Severity)).Append("\">").Append(SeverityName(a.Severity))
              .Append("</span></td><td>").AppendHtml(a.Analytic).Append("<br><span class=\"muted\">").AppendHtmlShort(a.RuleId, 60).Append("</span></td><td><b>")
              .AppendHtml(a.Title).Append("</b><br>").AppendHtmlShort(a.Description, 600).Append("</td><td>")
              .AppendHtmlShort($"users: {string.Join(", ", a.Entities.Users)}; from: {string.Join(", ", a.Entities.SourceHosts.Concat(a.Entities.SourceIps))}; to: {string.Join(", ", a.Entities.TargetHosts)}; {string.Join(", ", a.Techniques)}", 400)
              .Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        if (inc.Alerts.Count > 100) sb.Append("<p class=\"muted\">").Append(inc.Alerts.Count - 100).Append(" more alert(s) in alerts.jsonl.</p>");
        var evidence = new List<EvidenceRow>();
        foreach (var alert in inc.Alerts)
            foreach (var ev in alert.Evidence) evidence.Add(new EvidenceRow(alert, ev));
        StableSort.Sort(evidence, static (x, y) => x.Evidence.Time.CompareTo(y.Evidence.Time));
        sb.Append("<details><summary>").Append(evidence.Count).Append(" evidence event(s)</summary><table class=\"grid\"><thead><tr><th>time</th><th>host</th><th>channel</th><th>event</th><th>file</th><th>record</th><th>alert</th></tr></thead><tbody>");
        foreach (var (a, e) in evidence.Take(options.EvidenceRowsPerIncident))
            sb.Append("<tr><td>").AppendTs(e.Time).Append("</td><td>").AppendHtml(e.Host).Append("</td><td>").AppendHtml(e.Channel)
              .Append("</td><td class=\"num\">").Append(e.EventId).Append("</td><td>").AppendHtmlShort(e.File, 120).Append("</td><td class=\"num\">").Append(e.RecordId)
              .Append("</td><td>").AppendHtmlShort(a.Title, 80).Append("</td></tr>");
        sb.Append("</tbody></table>");
        if (evidence.Count > options.EvidenceRowsPerIncident) sb.Append("<p class=\"muted\">").Append(evidence.Count - options.EvidenceRowsPerIncident).Append(" more row(s) in alerts.jsonl.</p>");
        sb.Append("</details></div></details>");
    }

    /// <summary>One evidence event with the alert it supports (a class: see <see cref="StableSort"/> on why not a tuple).</summary>
    private sealed record EvidenceRow(Alert Alert, AlertEvidence Evidence);

    private static void Card(StringBuilder sb, string label, string value, string cls) =>
        sb.Append("<div class=\"card ").Append(cls).Append("\"><div class=\"value\">").AppendHtml(value).Append("</div><div class=\"label\">").Append(label).Append("</div></div>");

    private static void Kv(StringBuilder sb, string k, string v) =>
        sb.Append("<tr><th>").Append(k).Append("</th><td>").AppendHtml(v).Append("</td></tr>");

    private static void VerdictBadge(StringBuilder sb, VerdictKind k) =>
        sb.Append("<span class=\"badge ").Append(VerdictClass(k)).Append("\">").Append(Verdict.Label(k)).Append("</span>");

    private static string VerdictClass(VerdictKind k) => k switch
    {
        VerdictKind.Escalate => "v-escalate",
        VerdictKind.Investigate => "v-investigate",
        _ => "v-benign",
    };

    private static string SeverityName(Severity s) => IncidentBuilder.SeverityName(s);

    private static string KindLabel(EntityKind k) => k switch
    {
        EntityKind.User => "user",
        EntityKind.SourceHost => "source host",
        _ => "target host",
    };

    private const string Css = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1400px;padding:0 18px 40px;color:#1d2330;background:#f6f7f9}
h1{margin:18px 0 2px;font-size:24px}h2{margin-top:28px;border-bottom:2px solid #d9dde3;padding-bottom:4px}h3{margin:18px 0 6px;font-size:16px}h4{margin:8px 0 4px}
.muted{color:#6b7280;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:8px 14px;min-width:92px}
.card .value{font-size:22px;font-weight:600}.card .label{color:#6b7280;font-size:12px}
.card.v-escalate .value{color:#c92a2a}.card.v-investigate .value{color:#d9480f}.card.v-benign .value{color:#2b8a3e}.card.warn .value{color:#d9480f}
table.grid{border-collapse:collapse;width:100%;background:#fff;margin:6px 0;font-size:13px}
table.grid th,table.grid td{border:1px solid #e3e6ea;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.grid th{background:#eef0f3;white-space:nowrap}td.num{text-align:right;white-space:nowrap}
table.kv{border-collapse:collapse;margin:8px 0;font-size:13px}table.kv th{text-align:left;padding:2px 12px 2px 0;color:#4b5563;white-space:nowrap;vertical-align:top}table.kv td{overflow-wrap:anywhere}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:11px;font-weight:700;color:#fff;white-space:nowrap}
.badge.v-escalate{background:#c92a2a}.badge.v-investigate{background:#e8590c}.badge.v-benign{background:#2b8a3e}
details.incident{background:#fff;border:1px solid #d9dde3;border-radius:8px;margin:10px 0}
details.incident>summary{padding:8px 12px;cursor:pointer;font-weight:600}
details.incident .body{padding:0 14px 12px}
.risk{display:inline-block;min-width:30px;text-align:center;background:#1d2330;color:#fff;border-radius:6px;padding:0 4px}
.verdict{border-left:5px solid #999;padding:4px 12px;background:#fafafa;margin:8px 0}
.verdict.v-escalate{border-color:#c92a2a;background:#fff5f5}.verdict.v-investigate{border-color:#e8590c;background:#fff4e6}.verdict.v-benign{border-color:#2b8a3e;background:#ebfbee}
tr.suspicious td:first-child{border-left:4px solid #c92a2a}
.ans{font-weight:700}.ans-yes{color:#1d2330}.ans-no{color:#1d2330}.ans-unknown{color:#6b7280}
tr.suspicious .ans{color:#c92a2a}
.sev{font-weight:600}.sev-critical{color:#a61e4d}.sev-high{color:#c92a2a}.sev-medium{color:#e8590c}.sev-low{color:#1971c2}.sev-informational{color:#6b7280}
svg.graph,svg.timeline{width:100%;background:#fff;border:1px solid #e3e6ea;border-radius:6px;cursor:grab;touch-action:none}
svg .node rect{fill:#e7f5ff;stroke:#1971c2;stroke-width:1.2}svg .node.source rect{fill:#fff4e6;stroke:#e8590c}svg .node.both rect{fill:#f3f0ff;stroke:#7048e8}
svg .node.sensitive rect{stroke:#a61e4d;stroke-width:2.5}svg .node.cred rect{fill:#ffe3e3;stroke:#c92a2a;stroke-width:2.5}
svg .hostname{font-size:12px;font-weight:600;fill:#1d2330}svg .hostrole{font-size:9.5px;fill:#4b5563}
svg .edge path{fill:none;stroke:#868e96;stroke-width:1.3}svg .edge.hop path{stroke:#c92a2a;stroke-width:2.6}
svg .arrowhead{fill:#868e96}svg .hopnum{fill:#c92a2a}svg .hoplabel{fill:#fff;font-size:10px;font-weight:700}
svg .lane{stroke:#e3e6ea}svg .tick{stroke:#f1f3f5}svg .lanelabel,svg .ticklabel{font-size:10px;fill:#6b7280}
svg .mark{stroke:#fff;stroke-width:1}svg .sev-critical{fill:#a61e4d}svg .sev-high{fill:#c92a2a}svg .sev-medium{fill:#e8590c}svg .sev-low{fill:#1971c2}svg .sev-informational{fill:#868e96}
svg .kind-failure{fill:#f08c00}svg .kind-activity{fill:#7048e8}svg .kind-credential-access{fill:#a61e4d}
.zoombar{margin:4px 0}.zoombar button{margin-right:4px}
#filter{width:340px;padding:4px 6px}
footer{margin-top:30px}
""";

    // The report's only script: zoom/pan for SVGs and the incident filter. It never reads log data
    // as code and writes nothing to the console. Its hash goes into the CSP.
    private const string Script = """
(function(){
var d=document;
function setup(svg){
var vb=svg.viewBox.baseVal;if(!vb)return;var o={x:vb.x,y:vb.y,w:vb.width,h:vb.height},onlyX=svg.getAttribute('data-zoom')==='x';
function zoom(k,fx,fy){var w=Math.min(o.w*2,Math.max(o.w/60,vb.width*k));var h=onlyX?o.h:Math.min(o.h*2,Math.max(o.h/60,vb.height*k));
vb.x=vb.x+(vb.width-w)*fx;if(!onlyX)vb.y=vb.y+(vb.height-h)*fy;vb.width=w;vb.height=h;}
function reset(){vb.x=o.x;vb.y=o.y;vb.width=o.w;vb.height=o.h;}
svg.hwZoom=zoom;svg.hwReset=reset;
svg.addEventListener('wheel',function(e){e.preventDefault();var r=svg.getBoundingClientRect();zoom(e.deltaY<0?0.8:1.25,(e.clientX-r.left)/r.width,(e.clientY-r.top)/r.height);},{passive:false});
var drag=null;
svg.addEventListener('pointerdown',function(e){drag={x:e.clientX,y:e.clientY,vx:vb.x,vy:vb.y};svg.setPointerCapture(e.pointerId);});
svg.addEventListener('pointermove',function(e){if(!drag)return;var r=svg.getBoundingClientRect();vb.x=drag.vx-(e.clientX-drag.x)*vb.width/r.width;if(!onlyX)vb.y=drag.vy-(e.clientY-drag.y)*vb.height/r.height;});
svg.addEventListener('pointerup',function(){drag=null;});
svg.addEventListener('dblclick',reset);
}
d.querySelectorAll('svg.zoomable').forEach(setup);
d.querySelectorAll('button[data-zoom-target]').forEach(function(b){b.addEventListener('click',function(){var s=d.getElementById(b.getAttribute('data-zoom-target'));if(!s||!s.hwZoom)return;var k=parseFloat(b.getAttribute('data-zoom-step'));if(k>0)s.hwZoom(k,0.5,0.5);else s.hwReset();});});
var f=d.getElementById('filter');
if(f){var rows=d.querySelectorAll('#incident-table tbody tr');f.addEventListener('input',function(){var q=f.value.toLowerCase();rows.forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});}
d.documentElement.setAttribute('data-report-ready','1');
})();
""";
}
