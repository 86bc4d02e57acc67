using Governance.Core.Areas;
using Governance.Core.Auth;
using Governance.Core.Broadcasts;
using Governance.Core.Calendar;
using Governance.Core.Categories;
using Governance.Core.Data;
using Governance.Core.Digest;
using Governance.Core.Intake;
using Governance.Core.Jobs;
using Governance.Core.Members;
using Governance.Core.Messaging;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Registrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Governance.Core;

public static class CoreServices
{
    /// <summary>
    /// The database, every store and every domain rule, with their settings (each bound from its own section and
    /// validated when the host starts). The host adds the seams Core calls out through: ITextModeration (Wechat).
    /// </summary>
    public static IServiceCollection AddGovernanceCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSettings<DatabaseOptions>(DatabaseOptions.Section);
        services.AddSettings<StorageOptions>(StorageOptions.Section);
        services.AddSettings<OrderPolicyOptions>(OrderPolicyOptions.Section);
        services.AddSettings<ParticipationOptions>(ParticipationOptions.Section);
        services.AddSettings<IntakeOptions>(IntakeOptions.Section);
        services.AddSingleton(sp => new Db(sp.GetRequiredService<DatabaseOptions>().ConnectionString));
        services.AddSingleton(sp =>
        {
            var read = sp.GetRequiredService<DatabaseOptions>().ReadConnectionString;
            return string.IsNullOrWhiteSpace(read)
                ? new ReadDb(sp.GetRequiredService<Db>(), false)
                : new ReadDb(new Db(read), true);
        });
        services.AddSingleton<MigrationRunner>();

        services.AddSingleton<AreaStore>();
        services.AddSingleton<AreaAdmin>();
        services.AddSingleton<CategoryAdmin>();
        services.AddSingleton<PersonStore>();
        services.AddSingleton<StaffAdmin>();
        services.AddSingleton<StaffConsole.StaffAccountStore>();
        services.AddSingleton<StaffConsole.DataProtectionKeyStore>();
        services.AddSingleton<StaffConsole.DeskTools>();
        services.AddSingleton<Profiles>();
        services.AddSettings<RateLimitOptions>(RateLimitOptions.Section);
        services.AddSingleton<WriteLimiter>();
        services.AddSingleton<CategoryStore>();
        services.AddSingleton<WorkCalendarStore>();
        services.AddSingleton<WorkCalendarCache>();
        services.AddSingleton<CalendarAdmin>();
        services.AddSingleton<RefreshTokenStore>();

        services.AddSingleton<PhotoStorage>();
        services.AddSingleton<OrderStore>();
        services.AddSingleton<OrderScans>();
        services.AddSingleton<OrderRecipients>();
        services.AddSingleton<ClaimExpiry>();
        services.AddSingleton<UrgentAlerts>();
        services.AddSingleton<Lists.ListStore>();
        services.AddSingleton<Lists.CommunityLists>();
        services.AddSingleton<Meetings.MeetingStore>();
        services.AddSingleton<Lists.Ledgers>();
        services.AddSingleton<Committee.Commitments>();
        services.AddSingleton<Lists.PracticeReminders>();
        services.AddSingleton<Reports.UnitReports>();
        services.AddSingleton<Inspections.Inspections>();
        services.AddSingleton<Evidence.EvidencePhotos>();
        services.AddSingleton<Service.ServiceRecords>();
        services.AddSingleton<Activities.Activities>();
        services.AddSingleton<Activities.Volunteers>();
        services.AddSingleton<Activities.Series>();
        services.AddSingleton<Posts.ServicePosts>();
        services.AddSingleton<Households.Households>();
        services.AddSingleton<Meetings.JointMeetings>();
        services.AddSingleton<OrderReader>();
        services.AddSingleton<OrderChanges>();
        services.AddSingleton<OrderReports>();
        services.AddSingleton<StaffEntry>();
        services.AddSingleton<OrderMap>();
        services.AddSingleton<OrderTriage>();
        services.AddSingleton<OrderWork>();
        services.AddSingleton<Reminders>();
        services.AddSingleton<Summons>();
        services.AddSingleton<Statistics.DailyStatistics>();
        services.AddSingleton<Statistics.StatisticsReader>();
        services.AddSingleton<Assessment.Evaluations>();
        services.AddSingleton<Assessment.AssessmentOverviews>();
        services.AddSingleton<Assessment.Assessments>();
        services.AddSingleton<Escalation>();
        services.AddSingleton<FollowUp>();

        services.AddSingleton<IntakeExampleStore>();
        services.AddSingleton<IntakeService>();

        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<TemplateAdmin>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<DeliveryProblems>();
        services.AddSingleton<Inbox>();
        services.AddSingleton<BroadcastStore>();
        services.AddSingleton<BroadcastService>();

        services.AddSingleton<RegistrationStore>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<MemberStatsStore>();
        services.AddSingleton<MemberSummaries>();
        services.AddSingleton<ParticipationStore>();
        services.AddSingleton<Participation>();
        services.AddSingleton<DigestStore>();
        services.AddSingleton<WeeklyDigest>();

        services.AddSingleton<InboundMessageStore>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<Idempotency.IdempotencyStore>();
        services.AddSingleton<AccessTokenStore>();
        services.AddSingleton<JobRunStore>();
        return services;
    }

    /// <summary>
    /// Settings bound one way: from their configuration section, validated by their data annotations when the host
    /// starts (a bad value stops the node with a message naming it), and injected as the plain object.
    /// </summary>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }
}
