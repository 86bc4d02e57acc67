using Governance.Core.Errors;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Notifications;

public static class NotificationErrors
{
    public static readonly ErrorCode InvalidStatus = new(
        "deliveries.invalid_status",
        Validation,
        "状态只能是 dead 或 failed",
        "status"
    );
    public static readonly ErrorCode NotFound = new("delivery.not_found", ErrorKind.NotFound, "通知不存在");
    public static readonly ErrorCode NotDead = new(
        "delivery.not_dead",
        Conflict,
        "只有发送失败（已放弃）的通知可以重发"
    );
    public static readonly ErrorCode SubscriptionsInvalid = new(
        "subscriptions.invalid",
        Validation,
        "订阅的消息模板不正确",
        "templateIds"
    );

    public static readonly ErrorCode[] List = [CommonErrors.StaffOnly, InvalidStatus, CommonErrors.PagingInvalid];
    public static readonly ErrorCode[] Retry = [NotFound, NotDead];
    public static readonly ErrorCode[] Subscribe = [SubscriptionsInvalid];
}
