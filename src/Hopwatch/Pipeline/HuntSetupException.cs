namespace Hopwatch.Pipeline;

/// <summary>A hunt cannot start: its configuration (rules folder, config file, assets) is unusable.</summary>
public sealed class HuntSetupException(string message) : Exception(message);
