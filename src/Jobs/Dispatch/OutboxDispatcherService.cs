using Governance.Core.Data;
using Governance.Wechat.Sending;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Jobs.Dispatch;

/// <summary>
/// The dispatcher: drains the outbox through the node's <see cref="OutboxSender"/> on every node whose roles include
/// "jobs", continuously while rows are due, then every DispatchIntervalSeconds. Any number of nodes run it side by side
/// (rows are claimed with SKIP LOCKED), which a Quartz job could not do: the cluster runs a job on one node at a time.
/// </summary>
public sealed class OutboxDispatcherService(
    OutboxSender sender,
    Db db,
    JobsOptions options,
    ILogger<OutboxDispatcherService> log
) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromSeconds(options.DispatchIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                DispatchResult result;
                await using (db.Scope())
                    result = await sender.RunOnceAsync(stoppingToken);
                if (result.Claimed > 0)
                {
                    log.LogInformation(
                        "Outbox: {Claimed} claimed, {Sent} sent, {Retrying} retrying, {Dead} dead, {Rerouted} rerouted",
                        result.Claimed,
                        result.Sent,
                        result.Retrying,
                        result.Dead,
                        result.Rerouted
                    );
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The rows stay claimed until their lease runs out, then any dispatcher takes them again.
                log.LogError(ex, "Outbox dispatch failed; trying again in {Seconds} s", idle.TotalSeconds);
            }
            try
            {
                await Task.Delay(idle, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
