namespace Hopwatch.Reading.Evtx;

/// <summary>One record rendered as XML (evtxexport's layout), with its record id.</summary>
public sealed record EvtxXmlRecord(long RecordId, string Xml);
