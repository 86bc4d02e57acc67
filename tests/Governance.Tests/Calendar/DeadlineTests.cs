using Governance.Core.Calendar;
using Governance.Core.Categories;

namespace Governance.Tests.Calendar;

public sealed class DeadlineTests : IAsyncLifetime
{
    private WorkCalendar _calendar = null!;

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureBuiltAsync();
        _calendar = await new WorkCalendarStore(TestDatabase.Db).LoadAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTime China(int y, int m, int d, int h = 10, int min = 0, int s = 0) =>
        new DateTimeOffset(y, m, d, h, min, s, TimeSpan.FromHours(8)).UtcDateTime;

    private Deadlines Normal(DateTime submitted, int resolveDays, int ackHours = 24) =>
        DeadlineCalculator.Compute(
            ackHours,
            resolveDays,
            ResolveUnit.WorkingDays,
            1,
            24,
            urgent: false,
            submitted,
            _calendar
        );

    [Fact]
    public void TheCalendarKnowsHolidaysMakeUpDaysAndWeekends()
    {
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2026, 10, 1))); // 国庆节
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2026, 10, 10))); // Saturday make-up day
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2026, 1, 4))); // Sunday make-up day
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2026, 11, 21))); // ordinary Saturday
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2026, 11, 20))); // ordinary Friday
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2025, 1, 28))); // 春节 2025
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2025, 2, 8))); // Saturday make-up day 2025
    }

    [Fact]
    public void ResolveDeadlineSkipsTheWeekend()
    {
        // Friday: Monday, Tuesday, Wednesday are the three working days; the day of submission does not count.
        var d = Normal(China(2026, 11, 20, 10), 3);
        Assert.Equal(China(2026, 11, 25, 23, 59, 59), d.ResolveBy);
        // 24 working hours from Friday 10:00: 14 on Friday, none at the weekend, 10 on Monday.
        Assert.Equal(China(2026, 11, 23, 10), d.AcknowledgeBy);
    }

    [Fact]
    public void ResolveDeadlineSkipsAPublicHolidayAndCountsAMakeUpWorkingDay()
    {
        // 30 Sep 2026: 1-7 Oct are holidays; 8 Oct Thu, 9 Oct Fri, 10 Oct Sat (调休 working day).
        var d = Normal(China(2026, 9, 30, 16), 3);
        Assert.Equal(China(2026, 10, 10, 23, 59, 59), d.ResolveBy);
    }

    [Fact]
    public void AMakeUpSaturdayCountsAndTheSpringFestivalDoesNot()
    {
        // Friday 13 Feb 2026: Sat 14 Feb is a working day, then 15-23 Feb are the Spring Festival holiday.
        Assert.Equal(China(2026, 2, 14, 23, 59, 59), Normal(China(2026, 2, 13, 9), 1).ResolveBy);
        Assert.Equal(China(2026, 2, 24, 23, 59, 59), Normal(China(2026, 2, 13, 9), 2).ResolveBy);
    }

    [Fact]
    public void AReportMadeOnAHolidayCountsFromTheNextWorkingDay()
    {
        Assert.Equal(China(2026, 10, 8, 23, 59, 59), Normal(China(2026, 10, 3, 15), 1).ResolveBy);
        // Acknowledge hours do not run on holidays: they start at 00:00 on 8 Oct.
        Assert.Equal(China(2026, 10, 8, 4), Normal(China(2026, 10, 3, 15), 1, ackHours: 4).AcknowledgeBy);
    }

    [Fact]
    public void AcknowledgeHoursRunAcrossNewYearIntoASundayMakeUpDay()
    {
        // 31 Dec 2025 20:00: 4 hours that day, 1-3 Jan 2026 holidays, Sunday 4 Jan is a working day.
        Assert.Equal(China(2026, 1, 4, 20), Normal(China(2025, 12, 31, 20), 3).AcknowledgeBy);
    }

    [Fact]
    public void UrgentOrdersCountClockHoursThroughWeekendsAndHolidays()
    {
        var d = DeadlineCalculator.Compute(
            24,
            3,
            ResolveUnit.WorkingDays,
            2,
            24,
            urgent: true,
            China(2026, 10, 1, 22),
            _calendar
        );
        Assert.Equal(China(2026, 10, 2, 0), d.AcknowledgeBy);
        Assert.Equal(China(2026, 10, 2, 22), d.ResolveBy);
    }

    [Fact]
    public void AnHourBasedSlaRunsOnWorkingTime()
    {
        var d = DeadlineCalculator.Compute(
            4,
            48,
            ResolveUnit.Hours,
            1,
            24,
            urgent: false,
            China(2026, 11, 20, 12),
            _calendar
        );
        Assert.Equal(China(2026, 11, 20, 16), d.AcknowledgeBy);
        // Friday 12:00: 12 hours Friday, weekend skipped, 24 on Monday, 12 on Tuesday.
        Assert.Equal(China(2026, 11, 24, 12), d.ResolveBy);
    }
}
