namespace Governance.Tests.Infrastructure;

/// <summary>FakeTimeProvider is not in our registry; this is the part of it the tests need.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Set(DateTimeOffset value) => _now = value;
    public void Advance(TimeSpan by) => _now += by;

    /// <summary>Sets the clock to a China-local wall time.</summary>
    public void SetChina(int year, int month, int day, int hour = 10, int minute = 0) =>
        _now = new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(8)).ToUniversalTime();
}
