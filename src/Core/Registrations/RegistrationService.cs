using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.Paging;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Registrations;

public static class RegistrationKind
{
    public const string Residence = "residence",
        Unit = "unit";
}

/// <summary>报到回执: what the member's unit keeps (and prints).</summary>
public sealed record RegistrationReceipt(
    string Number,
    string PersonName,
    string? UnitName,
    string CommunityName,
    string Kind,
    IReadOnlyList<string> Skills,
    DateTimeOffset ApprovedAt,
    string Text
);

public sealed record RegistrationView(
    long Id,
    long PersonId,
    string PersonName,
    string? Phone,
    long CommunityId,
    string CommunityName,
    string Kind,
    string Status,
    IReadOnlyList<string> Skills,
    string? RejectReason,
    string? UnitName,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt
);

public sealed record UnitView(
    long Id,
    string Name,
    string PartyBranch,
    long CommunityId,
    string CommunityName,
    string? Address,
    string Status,
    string? RejectReason
);

public sealed record PairingView(
    long UnitId,
    string UnitName,
    long CommunityId,
    string CommunityName,
    string Status,
    string? RejectReason
);

public sealed record MyUnitView(UnitView Unit, IReadOnlyList<PairingView> Pairings);

public sealed record PendingUnitsView(IReadOnlyList<UnitView> Units, IReadOnlyList<PairingView> Pairings);

public sealed record UnitMemberView(
    long PersonId,
    string Name,
    string? Phone,
    IReadOnlyList<string> Skills,
    double ServiceHours
);

public static class RegistrationErrors
{
    public static readonly ErrorCode InvalidKind = new(
        "registration.invalid_kind",
        Validation,
        "报到类型只能是居住地社区（residence）或单位所在社区（unit）",
        "kind"
    );
    public static readonly ErrorCode InvalidSkills = new(
        "registration.invalid_skills",
        Validation,
        "特长最多10项，每项不超过20字",
        "skills"
    );
    public static readonly ErrorCode CommunityNotFound = new(
        "registration.community_not_found",
        Validation,
        "请选择要报到的社区",
        "communityId"
    );
    public static readonly ErrorCode UnitNotFound = new(
        "registration.unit_not_found",
        Validation,
        "所选单位不存在或尚未通过审核",
        "unitId"
    );
    public static readonly ErrorCode UnitRequired = new(
        "registration.unit_required",
        Validation,
        "单位所在社区报到需要先选择工作单位",
        "unitId"
    );
    public static readonly ErrorCode UnitCommunityMismatch = new(
        "registration.unit_community_mismatch",
        Validation,
        "单位不在这个社区，请选择单位所在或结对的社区",
        "communityId"
    );
    public static readonly ErrorCode NameRequired = new(
        "registration.name_required",
        Validation,
        "请先在「我的」里填写真实姓名再报到",
        "name"
    );
    public static readonly ErrorCode Exists = new("registration.exists", Conflict, "您已在这个社区报到");
    public static readonly ErrorCode StaffOnly = new(
        "registration.staff_only",
        Forbidden,
        "只有社区工作人员可以查看报到申请"
    );
    public static readonly ErrorCode InvalidStatus = new(
        "registration.invalid_status",
        Validation,
        "状态只能是 pending、approved、rejected 或 withdrawn",
        "status"
    );
    public static readonly ErrorCode NotFound = new("registration.not_found", ErrorKind.NotFound, "报到申请不存在");
    public static readonly ErrorCode SecretaryOnly = new(
        "registration.secretary_only",
        Forbidden,
        "报到申请由社区书记审核"
    );
    public static readonly ErrorCode DecisionRequired = new(
        "registration.decision_required",
        Validation,
        "请选择通过或不通过",
        "approve"
    );
    public static readonly ErrorCode ReasonRequired = new(
        "registration.reason_required",
        Validation,
        "请填写不通过的原因",
        "reason"
    );
    public static readonly ErrorCode AlreadyDecided = new(
        "registration.already_decided",
        Conflict,
        "这份申请已经处理过了"
    );
    public static readonly ErrorCode NotActive = new("registration.not_active", Conflict, "这份报到已经结束");
    public static readonly ErrorCode UnitNameRequired = new(
        "unit.name_required",
        Validation,
        "请填写单位名称（100字以内）",
        "name"
    );
    public static readonly ErrorCode UnitBranchRequired = new(
        "unit.branch_required",
        Validation,
        "请填写单位党组织名称（100字以内）",
        "partyBranch"
    );
    public static readonly ErrorCode UnitAddressTooLong = new(
        "unit.address_too_long",
        Validation,
        "地址不能超过200字",
        "address"
    );
    public static readonly ErrorCode UnitCommunityNotFound = new(
        "unit.community_not_found",
        Validation,
        "请选择单位所在的社区",
        "communityId"
    );
    public static readonly ErrorCode UnitExists = new(
        "unit.exists",
        Conflict,
        "这个单位已经登记过了，请联系单位管理员"
    );
    public static readonly ErrorCode UnitSecretaryOnly = new(
        "unit.secretary_only",
        Forbidden,
        "单位报到由社区书记审核"
    );
    public static readonly ErrorCode UnitDecisionRequired = new(
        "unit.decision_required",
        Validation,
        "请选择通过或不通过",
        "approve"
    );
    public static readonly ErrorCode UnitReasonRequired = new(
        "unit.reason_required",
        Validation,
        "请填写不通过的原因",
        "reason"
    );
    public static readonly ErrorCode UnitAlreadyDecided = new("unit.already_decided", Conflict, "这个单位已经审核过了");
    public static readonly ErrorCode UnitNotApproved = new("unit.not_approved", Conflict, "单位报到通过后才能申请结对");
    public static readonly ErrorCode UnitStaffOnly = new(
        "unit.staff_only",
        Forbidden,
        "只有社区工作人员可以查看单位报到"
    );
    public static readonly ErrorCode PairingOwnCommunity = new(
        "pairing.own_community",
        Conflict,
        "单位已在所在社区报到，无需结对"
    );
    public static readonly ErrorCode PairingExists = new("pairing.exists", Conflict, "已经申请过与这个社区结对");
    public static readonly ErrorCode PairingNotFound = new("pairing.not_found", ErrorKind.NotFound, "结对申请不存在");
    public static readonly ErrorCode PairingSecretaryOnly = new(
        "pairing.secretary_only",
        Forbidden,
        "结对申请由社区书记审核"
    );
    public static readonly ErrorCode PairingDecisionRequired = new(
        "pairing.decision_required",
        Validation,
        "请选择通过或不通过",
        "approve"
    );
    public static readonly ErrorCode PairingReasonRequired = new(
        "pairing.reason_required",
        Validation,
        "请填写不通过的原因",
        "reason"
    );
    public static readonly ErrorCode PairingAlreadyDecided = new(
        "pairing.already_decided",
        Conflict,
        "这份结对申请已经处理过了"
    );

    public static readonly ErrorCode[] Register =
    [
        InvalidKind,
        InvalidSkills,
        CommunityNotFound,
        UnitNotFound,
        UnitRequired,
        UnitCommunityMismatch,
        NameRequired,
        Exists,
    ];
    public static readonly ErrorCode[] List = [StaffOnly, InvalidStatus, CommonErrors.CursorInvalid];
    public static readonly ErrorCode[] Decide =
    [
        NotFound,
        SecretaryOnly,
        DecisionRequired,
        ReasonRequired,
        AlreadyDecided,
    ];
    public static readonly ErrorCode[] Withdraw = [NotFound, NotActive];

    public static readonly ErrorCode NotApproved = new(
        "registration.not_approved",
        Conflict,
        "报到通过后才有报到回执"
    );
    public static readonly ErrorCode[] Receipt = [NotFound, NotApproved];
    public static readonly ErrorCode[] RegisterUnit =
    [
        UnitNameRequired,
        UnitBranchRequired,
        UnitAddressTooLong,
        UnitCommunityNotFound,
        UnitExists,
    ];
    public static readonly ErrorCode[] DecideUnit =
    [
        CommonErrors.UnitNotFound,
        UnitSecretaryOnly,
        UnitDecisionRequired,
        UnitReasonRequired,
        UnitAlreadyDecided,
    ];
    public static readonly ErrorCode[] Pair =
    [
        CommonErrors.UnitNotFound,
        UnitNotApproved,
        UnitCommunityNotFound,
        PairingOwnCommunity,
        PairingExists,
    ];
    public static readonly ErrorCode[] DecidePairing =
    [
        PairingNotFound,
        PairingSecretaryOnly,
        PairingDecisionRequired,
        PairingReasonRequired,
        PairingAlreadyDecided,
    ];
    public static readonly ErrorCode[] Pending = [UnitStaffOnly];
    public static readonly ErrorCode[] Members = [CommonErrors.UnitNotFound, CommonErrors.CursorInvalid];
}

/// <summary>
/// 双报到: an in-service Party member registers with the community where they live and the one where their unit stands;
/// a unit admin registers the unit and pairs it with communities (结对共建). The community's secretary (or the street
/// above it) approves or rejects with a reason, and the applicant is told. Applicants see their own phone; staff see
/// applicants' phones in full only where they decide.
/// </summary>
public sealed class RegistrationService(
    RegistrationStore store,
    AreaStore areas,
    PersonStore people,
    TimeProvider clock
)
{
    private const int MaxSkills = 10;
    public const int PageSize = 100;

    /// <summary>
    /// The names the product gives people it knows nothing about yet; an applicant must give their real one.
    /// </summary>
    public static readonly string[] PlaceholderNames = ["微信用户", "微信居民"];

    public async Task<Result<RegistrationView>> RegisterAsync(
        Caller caller,
        long? communityId,
        string? kind,
        IReadOnlyList<string>? skills,
        long? unitId,
        CancellationToken ct
    )
    {
        if (kind is not (RegistrationKind.Residence or RegistrationKind.Unit))
            return RegistrationErrors.InvalidKind;
        var cleanSkills = (skills ?? []).Select(s => s?.Trim() ?? "").Where(s => s.Length > 0).Distinct().ToList();
        if (
            cleanSkills.Count > MaxSkills
            || cleanSkills.Any(s => Chars.Count(s) > 20 || s.Contains(',') || Chars.HasControl(s))
        )
            return RegistrationErrors.InvalidSkills;
        if (PlaceholderNames.Contains(caller.Name))
            return RegistrationErrors.NameRequired;
        var community = communityId is null ? null : await areas.GetAsync(communityId.Value, ct);
        if (community is not { Kind: AreaKind.Community })
            return RegistrationErrors.CommunityNotFound;
        var unit = unitId ?? caller.MemberUnitId;
        UnitRow? unitRow = null;
        if (unit is { } u)
        {
            unitRow = await store.GetUnitAsync(u, ct);
            if (unitRow is not { Status: "approved" })
                return RegistrationErrors.UnitNotFound;
        }
        if (kind == RegistrationKind.Unit)
        {
            if (unitRow is null)
                return RegistrationErrors.UnitRequired;
            var serves =
                unitRow.AreaId == community.Id
                || (await store.PairingsAsync(unitRow.Id, null, "approved", ct)).Any(p =>
                    p.CommunityId == community.Id
                );
            if (!serves)
                return RegistrationErrors.UnitCommunityMismatch.With(
                    $"{unitRow.Name}不在{community.Name}，请选择单位所在或结对的社区"
                );
        }
        var existing = await store.FindAsync(caller.PersonId, community.Id, kind, ct);
        if (existing is { Status: "pending" or "approved" })
            return RegistrationErrors.Exists.With(
                existing.Status == "approved" ? $"您已在{community.Name}报到" : $"您在{community.Name}的报到正在审核中"
            );

        var now = clock.GetUtcNow().UtcDateTime;
        var staff = await people.StaffOverAsync(community.Path, [StaffRole.Secretary], ct);
        var notice = new Notice("registration_pending", "新的党员报到申请", $"{caller.Name}申请在{community.Name}报到");
        var id = await store.RegisterAsync(
            caller.PersonId,
            unit,
            community.Id,
            kind,
            string.Join(",", cleanSkills),
            now,
            (c, tx) =>
                Outbox.EnqueueAsync(
                    c,
                    tx,
                    staff,
                    notice,
                    $"registration:{caller.PersonId}:{community.Id}:{kind}:{now.Ticks}",
                    now,
                    ct
                ),
            ct
        );
        return ForViewer((await store.GetAsync(id, ct))!, caller);
    }

    public async Task<IReadOnlyList<RegistrationView>> MineAsync(Caller caller, CancellationToken ct) =>
        (await store.ListForPersonAsync(caller.PersonId, ct)).Select(r => ForViewer(r, caller)).ToList();

    /// <summary>Registrations in the staff member's areas, oldest first, a page at a time.</summary>
    public async Task<Result<CursorPage<RegistrationView>>> ForStaffAsync(
        Caller caller,
        string? status,
        string? cursor,
        CancellationToken ct
    )
    {
        if (!caller.IsStaff)
            return RegistrationErrors.StaffOnly;
        status ??= "pending";
        if (status is not ("pending" or "approved" or "rejected" or "withdrawn"))
            return RegistrationErrors.InvalidStatus;
        if (!TryCursor(cursor, out var after))
            return CommonErrors.CursorInvalid;
        var rows = await store.ListInAreasAsync(
            caller.Staff.Select(s => s.AreaPath).ToList(),
            status,
            after,
            PageSize + 1,
            ct
        );
        return new CursorPage<RegistrationView>(
            rows.Take(PageSize).Select(r => ForViewer(r, caller)).ToList(),
            rows.Count > PageSize ? rows[PageSize - 1].Id.ToString() : null
        );
    }

    public async Task<Result<RegistrationView>> DecideAsync(
        Caller caller,
        long id,
        bool? approve,
        string? reason,
        CancellationToken ct
    )
    {
        var row = await store.GetAsync(id, ct);
        if (row is null || !caller.IsStaffOver(row.CommunityPath))
            return RegistrationErrors.NotFound;
        if (!caller.CanApproveIn(row.CommunityPath))
            return RegistrationErrors.SecretaryOnly;
        if (approve is not { } yes)
            return RegistrationErrors.DecisionRequired;
        reason = reason?.Trim();
        if (!yes && string.IsNullOrEmpty(reason))
            return RegistrationErrors.ReasonRequired;
        if (row.Status != "pending")
            return RegistrationErrors.AlreadyDecided;
        var now = clock.GetUtcNow().UtcDateTime;
        var notice = yes
            ? new Notice(
                "registration_approved",
                "报到审核通过",
                $"您在{row.CommunityName}的报到已通过，可以认领社区工单了"
            )
            : new Notice("registration_rejected", "报到未通过", $"您在{row.CommunityName}的报到未通过：{reason}");
        if (
            !await store.DecideAsync(
                id,
                "pending",
                yes ? "approved" : "rejected",
                yes ? null : reason,
                caller.PersonId,
                now,
                (c, tx) =>
                    Outbox.EnqueueAsync(
                        c,
                        tx,
                        [row.PersonId],
                        notice,
                        $"registration-decided:{id}:{now.Ticks}",
                        now,
                        ct
                    ),
                ct
            )
        )
            return RegistrationErrors.AlreadyDecided;
        return ForViewer((await store.GetAsync(id, ct))!, caller);
    }

    public async Task<Result<RegistrationView>> WithdrawAsync(Caller caller, long id, CancellationToken ct)
    {
        var row = await store.GetAsync(id, ct);
        if (row is null || row.PersonId != caller.PersonId)
            return RegistrationErrors.NotFound;
        if (row.Status is not ("pending" or "approved"))
            return RegistrationErrors.NotActive;
        await store.DecideAsync(
            id,
            row.Status,
            "withdrawn",
            null,
            caller.PersonId,
            clock.GetUtcNow().UtcDateTime,
            null,
            ct
        );
        return ForViewer((await store.GetAsync(id, ct))!, caller);
    }

    /// <summary>
    /// The registration receipt (报到回执) of an approved registration: for the member, the community's staff and the
    /// admins of the member's unit, whose Party organisation keeps it (two ledgers and a receipt, 两台账一回执).
    /// </summary>
    public async Task<Result<RegistrationReceipt>> ReceiptAsync(Caller caller, long id, CancellationToken ct)
    {
        var row = await store.GetAsync(id, ct);
        if (
            row is null
            || !(
                row.PersonId == caller.PersonId
                || caller.IsStaffOver(row.CommunityPath)
                || (row.UnitId is { } unit && caller.UnitAdminOf.Contains(unit))
            )
        )
            return RegistrationErrors.NotFound;
        if (row.Status != "approved" || row.DecidedAt is not { } approved)
            return RegistrationErrors.NotApproved;
        var china = ChinaTime.ToChina(approved.Utc());
        var kind = row.Kind == "residence" ? "居住地报到" : "单位所在地报到";
        return new RegistrationReceipt(
            $"BD{china:yyyyMMdd}-{row.Id:D6}",
            row.PersonName,
            row.UnitName,
            row.CommunityName,
            kind,
            row.Skills.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            china,
            $"兹证明{row.PersonName}同志{(row.UnitName is { } u ? $"（{u}）" : "")}已于{china:yyyy年M月d日}到{row.CommunityName}"
                + $"{kind}，特此回执。"
        );
    }

    // ---- units and pairings ----

    public async Task<Result<UnitView>> RegisterUnitAsync(
        Caller caller,
        string? name,
        string? partyBranch,
        long? communityId,
        string? address,
        CancellationToken ct
    )
    {
        name = name?.Trim();
        partyBranch = partyBranch?.Trim();
        if (string.IsNullOrEmpty(name) || Chars.Count(name) > 100 || Chars.HasControl(name))
            return RegistrationErrors.UnitNameRequired;
        if (string.IsNullOrEmpty(partyBranch) || Chars.Count(partyBranch) > 100 || Chars.HasControl(partyBranch))
            return RegistrationErrors.UnitBranchRequired;
        if (address is not null && Chars.Count(address) > 200)
            return RegistrationErrors.UnitAddressTooLong;
        var community = communityId is null ? null : await areas.GetAsync(communityId.Value, ct);
        if (community is not { Kind: AreaKind.Community })
            return RegistrationErrors.UnitCommunityNotFound;
        var now = clock.GetUtcNow().UtcDateTime;
        var staff = await people.StaffOverAsync(community.Path, [StaffRole.Secretary], ct);
        var notice = new Notice("unit_pending", "新的驻区单位报到", $"{name}申请在{community.Name}报到");
        var id = await store.RegisterUnitAsync(
            caller.PersonId,
            name,
            partyBranch,
            community.Id,
            address?.Trim(),
            now,
            (c, tx) => Outbox.EnqueueAsync(c, tx, staff, notice, $"unit:{name}:{now.Ticks}", now, ct),
            ct
        );
        if (id is null)
            return RegistrationErrors.UnitExists.With($"单位「{name}」已经登记过了，请联系单位管理员");
        return View((await store.GetUnitAsync(id.Value, ct))!);
    }

    public async Task<Result<UnitView>> DecideUnitAsync(
        Caller caller,
        long unitId,
        bool? approve,
        string? reason,
        CancellationToken ct
    )
    {
        var unit = await store.GetUnitAsync(unitId, ct);
        if (unit is null || !caller.IsStaffOver(unit.AreaPath))
            return CommonErrors.UnitNotFound;
        if (!caller.CanApproveIn(unit.AreaPath))
            return RegistrationErrors.UnitSecretaryOnly;
        if (approve is not { } yes)
            return RegistrationErrors.UnitDecisionRequired;
        if (!yes && string.IsNullOrWhiteSpace(reason))
            return RegistrationErrors.UnitReasonRequired;
        var now = clock.GetUtcNow().UtcDateTime;
        var admins = await store.UnitAdminsAsync(unitId, ct);
        var notice = new Notice(
            yes ? "unit_approved" : "unit_rejected",
            yes ? "单位报到已通过" : "单位报到未通过",
            yes ? $"{unit.Name}已在{unit.AreaName}报到" : $"{unit.Name}报到未通过：{reason}"
        );
        if (
            !await store.DecideUnitAsync(
                unitId,
                yes ? "approved" : "rejected",
                yes ? null : reason!.Trim(),
                caller.PersonId,
                now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, admins, notice, $"unit-decided:{unitId}", now, ct),
                ct
            )
        )
            return RegistrationErrors.UnitAlreadyDecided;
        return View((await store.GetUnitAsync(unitId, ct))!);
    }

    public async Task<Result<PairingView>> RequestPairingAsync(
        Caller caller,
        long unitId,
        long? communityId,
        CancellationToken ct
    )
    {
        if (!caller.UnitAdminOf.Contains(unitId))
            return CommonErrors.UnitNotFound;
        var unit = (await store.GetUnitAsync(unitId, ct))!;
        if (unit.Status != "approved")
            return RegistrationErrors.UnitNotApproved;
        var community = communityId is null ? null : await areas.GetAsync(communityId.Value, ct);
        if (community is not { Kind: AreaKind.Community })
            return RegistrationErrors.UnitCommunityNotFound.With("请选择要结对的社区");
        if (community.Id == unit.AreaId)
            return RegistrationErrors.PairingOwnCommunity;
        var now = clock.GetUtcNow().UtcDateTime;
        var staff = await people.StaffOverAsync(community.Path, [StaffRole.Secretary], ct);
        var notice = new Notice("pairing_pending", "结对共建申请", $"{unit.Name}申请与{community.Name}结对共建");
        if (
            !await store.RequestPairingAsync(
                unitId,
                community.Id,
                now,
                (c, tx) =>
                    Outbox.EnqueueAsync(c, tx, staff, notice, $"pairing:{unitId}:{community.Id}:{now.Ticks}", now, ct),
                ct
            )
        )
            return RegistrationErrors.PairingExists;
        return View((await store.PairingsAsync(unitId, null, null, ct)).Single(p => p.CommunityId == community.Id));
    }

    public async Task<Result<PairingView>> DecidePairingAsync(
        Caller caller,
        long unitId,
        long communityId,
        bool? approve,
        string? reason,
        CancellationToken ct
    )
    {
        var pairing = (await store.PairingsAsync(unitId, null, null, ct)).FirstOrDefault(p =>
            p.CommunityId == communityId
        );
        if (pairing is null || !caller.IsStaffOver(pairing.CommunityPath))
            return RegistrationErrors.PairingNotFound;
        if (!caller.CanApproveIn(pairing.CommunityPath))
            return RegistrationErrors.PairingSecretaryOnly;
        if (approve is not { } yes)
            return RegistrationErrors.PairingDecisionRequired;
        if (!yes && string.IsNullOrWhiteSpace(reason))
            return RegistrationErrors.PairingReasonRequired;
        var now = clock.GetUtcNow().UtcDateTime;
        var admins = await store.UnitAdminsAsync(unitId, ct);
        var notice = new Notice(
            yes ? "pairing_approved" : "pairing_rejected",
            yes ? "结对共建已通过" : "结对共建未通过",
            $"{pairing.UnitName}与{pairing.CommunityName}{(yes ? "结对成功" : "结对未通过：" + reason)}"
        );
        if (
            !await store.DecidePairingAsync(
                unitId,
                communityId,
                yes ? "approved" : "rejected",
                yes ? null : reason!.Trim(),
                caller.PersonId,
                now,
                (c, tx) =>
                    Outbox.EnqueueAsync(
                        c,
                        tx,
                        admins,
                        notice,
                        $"pairing-decided:{unitId}:{communityId}:{now.Ticks}",
                        now,
                        ct
                    ),
                ct
            )
        )
            return RegistrationErrors.PairingAlreadyDecided;
        return View((await store.PairingsAsync(unitId, null, null, ct)).Single(p => p.CommunityId == communityId));
    }

    public async Task<IReadOnlyList<MyUnitView>> MyUnitsAsync(Caller caller, CancellationToken ct)
    {
        var list = new List<MyUnitView>();
        foreach (var id in caller.UnitAdminOf)
            list.Add(
                new MyUnitView(
                    View((await store.GetUnitAsync(id, ct))!),
                    (await store.PairingsAsync(id, null, null, ct)).Select(View).ToList()
                )
            );
        return list;
    }

    public async Task<Result<PendingUnitsView>> PendingUnitsForStaffAsync(Caller caller, CancellationToken ct)
    {
        if (!caller.IsStaff)
            return RegistrationErrors.UnitStaffOnly;
        var paths = caller.Staff.Select(s => s.AreaPath).ToList();
        return new PendingUnitsView(
            (await store.UnitsInAreasAsync(paths, "pending", ct)).Select(View).ToList(),
            (await store.PairingsAsync(null, paths, "pending", ct)).Select(View).ToList()
        );
    }

    /// <summary>A unit's members, a page at a time, phones masked.</summary>
    public async Task<Result<CursorPage<UnitMemberView>>> UnitMembersAsync(
        Caller caller,
        long unitId,
        string? cursor,
        CancellationToken ct
    )
    {
        var unit = await store.GetUnitAsync(unitId, ct);
        if (unit is null || (!caller.UnitAdminOf.Contains(unitId) && !caller.IsStaffOver(unit.AreaPath)))
            return CommonErrors.UnitNotFound;
        if (!TryCursor(cursor, out var after))
            return CommonErrors.CursorInvalid;
        var rows = await store.UnitMembersAsync(unitId, after, PageSize + 1, ct);
        return new CursorPage<UnitMemberView>(
            rows.Take(PageSize)
                .Select(m => new UnitMemberView(
                    m.PersonId,
                    m.Name,
                    PhoneMask.Mask(m.Phone),
                    m.Skills.Split(',', StringSplitOptions.RemoveEmptyEntries),
                    Math.Round(m.ServiceMinutes / 60.0, 1)
                ))
                .ToList(),
            rows.Count > PageSize ? rows[PageSize - 1].PersonId.ToString() : null
        );
    }

    private static bool TryCursor(string? cursor, out long after)
    {
        after = 0;
        return cursor is null || (long.TryParse(cursor, out after) && after > 0);
    }

    private static RegistrationView ForViewer(RegistrationRow r, Caller caller) =>
        new(
            r.Id,
            r.PersonId,
            r.PersonName,
            r.PersonId == caller.PersonId || caller.CanApproveIn(r.CommunityPath) ? r.Phone : PhoneMask.Mask(r.Phone),
            r.CommunityId,
            r.CommunityName,
            r.Kind,
            r.Status,
            r.Skills.Split(',', StringSplitOptions.RemoveEmptyEntries),
            r.RejectReason,
            r.UnitName,
            ChinaTime.ToChina(r.CreatedAt),
            r.DecidedAt is { } d ? ChinaTime.ToChina(d) : null
        );

    private static UnitView View(UnitRow u) =>
        new(u.Id, u.Name, u.PartyBranch, u.AreaId, u.AreaName, u.Address, u.Status, u.RejectReason);

    private static PairingView View(PairingRow p) =>
        new(p.UnitId, p.UnitName, p.CommunityId, p.CommunityName, p.Status, p.RejectReason);
}
