using System.Net;
using System.Net.Sockets;

namespace Hopwatch.Service.Syslog;

/// <summary>
/// Syslog over TCP. Each connection's framing is recognised from its first byte: a digit means
/// RFC 5425/6587 octet counting ("LEN SP MSG"), anything else newline-delimited messages.
/// Messages longer than <see cref="MaxMessage"/> are cut and counted.
/// </summary>
public sealed class SyslogTcpListener : IDisposable
{
    public const int MaxMessage = 64 * 1024;
    private readonly TcpListener _listener;
    private readonly HopwatchService _service;
    private readonly LineBatcher _batcher;
    private readonly CancellationTokenSource _cts = new();
    private long _truncated;

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;
    public long Truncated => Interlocked.Read(ref _truncated);

    public SyslogTcpListener(IPEndPoint endPoint, HopwatchService service)
    {
        _listener = new TcpListener(endPoint);
        _service = service;
        _batcher = new LineBatcher(service, "syslog-tcp");
    }

    public void Start()
    {
        _listener.Start();
        _ = AcceptLoop();
    }

    private async Task AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
            catch (Exception) when (_cts.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            _ = Serve(client);
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new SyslogFrameReader(stream, MaxMessage);
                while (!_cts.IsCancellationRequested)
                {
                    var msg = await reader.ReadAsync(_cts.Token);
                    if (msg is null) return;
                    if (reader.LastWasTruncated) Interlocked.Increment(ref _truncated);
                    // Backpressure: a TCP sender waits while the queue is full instead of losing messages.
                    while (_batcher.QueueFull && !_cts.IsCancellationRequested) await Task.Delay(50, _cts.Token);
                    _batcher.Add(msg.Value.Span);
                    _service.Metrics.Syslog(1);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException) { }
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _listener.Stop();
        _batcher.Dispose();
    }
}
