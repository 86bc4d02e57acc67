using Microsoft.Extensions.Time.Testing;

namespace Governance.Tests.Infrastructure;

/// <summary>
/// The clock the test app runs on. FakeTimeProvider never goes back in time, but every test starts on the same
/// Wednesday; so each test gets a fresh FakeTimeProvider and the app's singletons read whichever is current.
/// </summary>
public sealed class TestClock : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2026, 11, 18, 2, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _current = new(Start);

    public FakeTimeProvider Current => Volatile.Read(ref _current);

    public void Reset(DateTimeOffset start) => Volatile.Write(ref _current, new FakeTimeProvider(start));

    public override DateTimeOffset GetUtcNow() => Current.GetUtcNow();

    public override long GetTimestamp() => Current.GetTimestamp();

    public override long TimestampFrequency => Current.TimestampFrequency;
    public override TimeZoneInfo LocalTimeZone => Current.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Current.CreateTimer(callback, state, dueTime, period);
}

public static class ClockExtensions
{
    /// <summary>Sets the test clock to a China-local wall time.</summary>
    public static void SetChina(
        this FakeTimeProvider clock,
        int year,
        int month,
        int day,
        int hour = 10,
        int minute = 0
    ) => clock.SetUtcNow(China(year, month, day, hour, minute));

    public static DateTimeOffset China(int year, int month, int day, int hour = 10, int minute = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(8)).ToUniversalTime();
}
