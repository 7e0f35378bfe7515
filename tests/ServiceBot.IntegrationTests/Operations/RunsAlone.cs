namespace ServiceBot.IntegrationTests.Operations;

/// <summary>
/// Tests that read process-wide counters (/metrics: meters are static, so every host in the test
/// process adds to them) run alone, so a count that moved was moved by the test itself.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "serial: process-wide counters";
}
