using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Text;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Orders;

public static class StaffEntryErrors
{
    public static readonly ErrorCode StaffOnly = new("entry.staff_only", Forbidden, "只有工作人员可以代录诉求");
    public static readonly ErrorCode PhoneInvalid = new(
        "entry.phone_invalid",
        Validation,
        "请填写居民的11位手机号",
        "phone"
    );
    public static readonly ErrorCode NameRequired = new(
        "entry.name_required",
        Validation,
        "新居民请填写姓名（不超过20字）",
        "name"
    );
    public static readonly ErrorCode ChannelInvalid = new(
        "entry.channel_invalid",
        Validation,
        "来源应为电话（phone）或来访（walk_in）",
        "channel"
    );

    public static readonly ErrorCode[] Find = [StaffOnly, PhoneInvalid];
    public static readonly ErrorCode[] Enter = [StaffOnly, PhoneInvalid, NameRequired, ChannelInvalid];
}

/// <summary>What the desk types in for a resident who phoned or walked in.</summary>
public sealed record StaffEntryInput(
    string? Phone,
    string? Name,
    string? Channel,
    long? CategoryId,
    string? Description,
    string? LocationText,
    long? BuildingId,
    long? AreaId,
    string? Urgency
);

/// <summary>
/// 代录: staff enter an order for a resident who phoned or walked in, as 12345 desks and FixMyStreet's staff do. The
/// resident is found by phone, or created with the name they gave (and the building, when the order is at one); the
/// order is theirs (source "staff"): a resident already known by that phone in the mini-program follows it there and
/// is told of every step; one created at the desk is a record by name and phone, whose orders come over to the WeChat
/// account that later verifies the same phone (PersonStore.BindPhoneAsync). The timeline says who entered it and how
/// the resident came. The order follows every rule of a staff report: the staff member's area scope, the category's
/// questions, deadlines, urgent alerts.
/// </summary>
public sealed class StaffEntry(PersonStore people, OrderReports reports, TimeProvider clock)
{
    public static readonly IReadOnlyDictionary<string, string> Channels = new Dictionary<string, string>
    {
        ["phone"] = "电话反映",
        ["walk_in"] = "来访反映",
    };

    public async Task<Result<IReadOnlyList<PhoneMatch>>> FindAsync(Caller caller, string? phone, CancellationToken ct)
    {
        if (!caller.IsStaff)
            return StaffEntryErrors.StaffOnly;
        phone = Phones.Mobile(phone);
        if (phone is null)
            return StaffEntryErrors.PhoneInvalid;
        return Result<IReadOnlyList<PhoneMatch>>.From(await people.ByPhoneAsync(phone, ct));
    }

    public async Task<Result<(ReportOutcome Outcome, OrderDetail Order)>> EnterAsync(
        Caller caller,
        StaffEntryInput input,
        CancellationToken ct
    )
    {
        if (!caller.IsStaff)
            return StaffEntryErrors.StaffOnly;
        var phone = Phones.Mobile(input.Phone);
        if (phone is null)
            return StaffEntryErrors.PhoneInvalid;
        var channel = input.Channel ?? "phone";
        if (!Channels.TryGetValue(channel, out var how))
            return StaffEntryErrors.ChannelInvalid;
        var known = (await people.ByPhoneAsync(phone, ct)).FirstOrDefault();
        var name = input.Name?.Trim();
        if (known is null && !Phones.IsNameForNewPerson(name))
            return StaffEntryErrors.NameRequired;
        var form = new CreateOrderInput(
            input.CategoryId,
            input.Description,
            input.LocationText,
            input.BuildingId,
            input.AreaId,
            input.Urgency,
            null,
            null,
            OrderSource.Staff
        );
        // Every rule is checked before anyone is created: a refused entry leaves no stray resident behind.
        var probe = await reports.ValidateStaffEntryAsync(caller, form, ct);
        if (probe is not null)
            return probe;
        var residentId = known?.PersonId
            ?? await people.CreateResidentAsync(name!, phone, input.BuildingId, clock.GetUtcNow().UtcDateTime, ct);
        var who = known?.Name ?? name!;
        return await reports.CreateAsync(
            caller,
            form with
            {
                OnBehalfOf = residentId,
                EntryNote = $"代录：{who}（{Mask(phone)}）{how}",
            },
            [],
            ct
        );
    }

    /// <summary>138****5678: enough for the desk and the timeline, not the whole number.</summary>
    public static string Mask(string phone) => phone.Length == 11 ? $"{phone[..3]}****{phone[7..]}" : phone;
}
