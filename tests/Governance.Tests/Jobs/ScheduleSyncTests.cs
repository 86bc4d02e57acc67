using Governance.Core.Data;
using Governance.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;

namespace Governance.Tests.Jobs;

/// <summary>
/// A node that starts does not reset the cluster's triggers: a trigger that matches the configuration is left as it is
/// (its next fire and a pause set on the jobs page survive), and one whose schedule changed is replaced, paused if it
/// was. Runs the scheduler's start-up in this process without starting it (nothing fires).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ScheduleSyncTests(TestApp app) : DbTest(app)
{
    private static async Task<(ServiceProvider Services, IScheduler Scheduler)> StartUpAsync(JobsOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new Db(TestDatabase.ConnectionString));
        services.AddSingleton(options);
        services.AddSingleton<Governance.Core.Jobs.JobRunStore>();
        services.AddSingleton<JobRunListener>();
        services.AddGovernanceScheduler(TestDatabase.ConnectionString, options);
        var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredKeyedService<ISchedulerFactory>(JobsServices.SchedulerName);
        var scheduler = await factory.GetScheduler(); // adds the triggers the store lacks
        var sync = ActivatorUtilities.CreateInstance<ScheduleSync>(provider); // as the host would start it
        await sync.StartAsync(CancellationToken.None);
        return (provider, scheduler);
    }

    private static async Task<(ServiceProvider, IScheduler)> RestartAsync(
        ServiceProvider services,
        IScheduler scheduler,
        JobsOptions options
    )
    {
        await scheduler.Shutdown();
        await services.DisposeAsync();
        return await StartUpAsync(options);
    }

    private static async Task<(string Cron, string State, long NextFire, long Start)> TriggerAsync(string name) =>
        (
            await TestDatabase.QueryAsync<(string, string, long, long)>(
                """
                SELECT c.CRON_EXPRESSION, t.TRIGGER_STATE, t.NEXT_FIRE_TIME, t.START_TIME FROM QRTZ_TRIGGERS t
                JOIN QRTZ_CRON_TRIGGERS c USING (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
                WHERE t.TRIGGER_NAME = @name
                """,
                new { name }
            )
        ).Single();

    [Fact]
    public async Task AStartingNodeKeepsMatchingTriggersAndPausesAndAppliesAChangedSchedule()
    {
        var first = new JobsOptions { WeeklyDigestCron = "0 0 18 ? * FRI", RemindersCron = "0 */5 * * * ?" };
        var (services, scheduler) = await StartUpAsync(first);
        try
        {
            await scheduler.Clear(); // from an empty store, as on a fresh database
            (services, scheduler) = await RestartAsync(services, scheduler, first);
            await scheduler.PauseTrigger(new TriggerKey("send-weekly-digest", JobsServices.Group));
            await scheduler.PauseTrigger(new TriggerKey("expire-claims", JobsServices.Group));
            var reminders = await TriggerAsync("send-reminders");

            // The next node: the digest moves to Saturday; everything else is configured as before.
            var second = new JobsOptions { WeeklyDigestCron = "0 0 9 ? * SAT", RemindersCron = "0 */5 * * * ?" };
            (services, scheduler) = await RestartAsync(services, scheduler, second);
            var digest = await TriggerAsync("send-weekly-digest");
            Assert.Equal(("0 0 9 ? * SAT", "PAUSED"), (digest.Cron, digest.State));
            Assert.Equal("PAUSED", (await TriggerAsync("expire-claims")).State); // unchanged schedule: pause kept
            // Not replaced: a replacement would start now.
            Assert.Equal(reminders, await TriggerAsync("send-reminders"));
        }
        finally
        {
            await scheduler.Clear(); // the store as a fresh database has it: other tests start nodes on it
            await scheduler.Shutdown();
            await services.DisposeAsync();
        }
    }
}
