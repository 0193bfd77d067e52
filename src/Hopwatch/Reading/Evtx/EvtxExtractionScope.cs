namespace Hopwatch.Reading.Evtx;

/// <summary>Where in the event document the field extractor is: what an element found there turns into.</summary>
internal enum EvtxExtractionScope : byte
{
    /// <summary>Top level: the Event element.</summary>
    Root,
    /// <summary>Children of Event: System, EventData, UserData.</summary>
    Event,
    /// <summary>Children of System: header fields (text and attributes).</summary>
    System,
    /// <summary>Children of EventData: Data Name="X" fields.</summary>
    EventData,
    /// <summary>Children of UserData: the provider's own element.</summary>
    UserData,
    /// <summary>Below that: leaves become fields by element name.</summary>
    UserLeaves,
}
