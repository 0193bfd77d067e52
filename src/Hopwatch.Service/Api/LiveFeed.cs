using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Hopwatch.Reporting;
using Hopwatch.Service.Store;

namespace Hopwatch.Service.Api;

/// <summary>
/// Fans new alerts and triage changes out to Server-Sent-Events subscribers. Each subscriber has a
/// bounded queue; a slow one loses its oldest messages rather than slowing processing down.
/// </summary>
public sealed class LiveFeed
{
    private readonly object _lock = new();
    private readonly List<Channel<string>> _subscribers = new();

    public int SubscriberCount { get { lock (_lock) return _subscribers.Count; } }

    public Channel<string> Subscribe()
    {
        var ch = Channel.CreateBounded<string>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock) _subscribers.Add(ch);
        return ch;
    }

    public void Unsubscribe(Channel<string> ch)
    {
        lock (_lock) _subscribers.Remove(ch);
        ch.Writer.TryComplete();
    }

    public void PublishAlerts(IReadOnlyList<StoredAlert> alerts)
    {
        if (SubscriberCount == 0) return;
        foreach (var s in alerts)
        {
            var node = JsonSerializer.SerializeToNode(s.Alert, HopwatchJson.Info<Hopwatch.Events.Alert>(AlertJsonWriter.Options))!.AsObject();
            node["incident_id"] = s.IncidentId;
            node["status"] = s.Status;
            Publish("alert", node);
        }
    }

    /// <summary>Sends one SSE message ("event: NAME\ndata: JSON\n\n") to every subscriber.</summary>
    public void Publish(string eventName, JsonNode data)
    {
        // JSON text never holds a raw newline, so one data: line carries it.
        string message = "event: " + eventName + "\ndata: " + data.ToJsonString(AlertJsonWriter.Options) + "\n\n";
        lock (_lock)
            foreach (var ch in _subscribers) ch.Writer.TryWrite(message);
    }
}
