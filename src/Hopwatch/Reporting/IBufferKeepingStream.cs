namespace Hopwatch.Reporting;

/// <summary>
/// An output that may keep a writer's buffer instead of copying out of it: for bytes that must wait (a
/// parallel dump holding back a file's output until its turn) handing the full buffer over and going on in
/// another saves copying it.
/// </summary>
internal interface IBufferKeepingStream
{
    /// <summary>
    /// Takes the first <paramref name="count"/> bytes of <paramref name="buffer"/>, written at once or kept.
    /// Returns the buffer the writer goes on with: <paramref name="buffer"/> itself unless it was kept, then
    /// another one at least as large, which the writer owns from now on (a kept buffer is the stream's).
    /// </summary>
    byte[] WriteOrKeep(byte[] buffer, int count);
}
