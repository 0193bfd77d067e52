using System.Net;
using System.Net.Sockets;

namespace Hopwatch.Service.Syslog;

/// <summary>Syslog over UDP: one message per datagram. When the queue is full datagrams are dropped and counted (UDP has no backpressure).</summary>
public sealed class SyslogUdpListener : IDisposable
{
    private readonly UdpClient _udp;
    private readonly HopwatchService _service;
    private readonly LineBatcher _batcher;
    private readonly CancellationTokenSource _cts = new();
    private long _dropped;

    public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;
    public long Dropped => Interlocked.Read(ref _dropped);

    public SyslogUdpListener(IPEndPoint endPoint, HopwatchService service)
    {
        _udp = new UdpClient(endPoint);
        _udp.Client.ReceiveBufferSize = 4 << 20;
        _service = service;
        _batcher = new LineBatcher(service, "syslog-udp");
    }

    public void Start() => _ = Loop();

    private async Task Loop()
    {
        while (!_cts.IsCancellationRequested)
        {
            UdpReceiveResult r;
            try { r = await _udp.ReceiveAsync(_cts.Token); }
            catch (Exception) when (_cts.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            if (_batcher.QueueFull) { Interlocked.Increment(ref _dropped); continue; }
            _batcher.Add(r.Buffer);
            _service.Metrics.Syslog(1);
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _udp.Dispose();
        _batcher.Dispose();
    }
}
