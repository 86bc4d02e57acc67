using Governance.Core.Areas;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;

namespace Governance.Core.Registrations;

public static class RegistrationKind
{
    public const string Residence = "residence", Unit = "unit";
}

/// <summary>
/// 双报到: an in-service Party member registers with the community where they live and the one where their
/// unit stands; a unit admin registers the unit and pairs it with communities (结对共建). The community's
/// secretary (or the street above it) approves or rejects with a reason, and the applicant is told.
/// </summary>
public sealed class RegistrationService(RegistrationStore store, AreaStore areas, PersonStore people, TimeProvider clock)
{
    private const int MaxSkills = 10;

    public async Task<Result<RegistrationRow>> RegisterAsync(Caller caller, long? communityId, string? kind, IReadOnlyList<string>? skills, long? unitId, CancellationToken ct = default)
    {
        if (kind is not (RegistrationKind.Residence or RegistrationKind.Unit))
            return Error.Validation("registration.invalid_kind", "报到类型只能是居住地社区（residence）或单位所在社区（unit）", "kind");
        var cleanSkills = (skills ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToList();
        if (cleanSkills.Count > MaxSkills || cleanSkills.Any(s => s.Length > 20 || s.Contains(',')))
            return Error.Validation("registration.invalid_skills", $"特长最多{MaxSkills}项，每项不超过20字", "skills");
        var community = communityId is null ? null : await areas.GetAsync(communityId.Value, ct);
        if (community is not { Kind: AreaKind.Community })
            return Error.Validation("registration.community_not_found", "请选择要报到的社区", "communityId");
        var unit = unitId ?? caller.MemberUnitId;
        UnitRow? unitRow = null;
        if (unit is { } u)
        {
            unitRow = await store.GetUnitAsync(u, ct);
            if (unitRow is not { Status: "approved" }) return Error.Validation("registration.unit_not_found", "所选单位不存在或尚未通过审核", "unitId");
        }
        if (kind == RegistrationKind.Unit)
        {
            if (unitRow is null) return Error.Validation("registration.unit_required", "单位所在社区报到需要先选择工作单位", "unitId");
            var serves = unitRow.AreaId == community.Id ||
                (await store.PairingsAsync(unitRow.Id, null, "approved", ct)).Any(p => p.CommunityId == community.Id);
            if (!serves) return Error.Validation("registration.unit_community_mismatch", $"{unitRow.Name}不在{community.Name}，请选择单位所在或结对的社区", "communityId");
        }
        var existing = await store.FindAsync(caller.PersonId, community.Id, kind, ct);
        if (existing is { Status: "pending" or "approved" })
            return Error.Conflict("registration.exists", existing.Status == "approved" ? $"您已在{community.Name}报到" : $"您在{community.Name}的报到正在审核中");

        var now = clock.GetUtcNow().UtcDateTime;
        var staff = await people.StaffOverAsync(community.Path, [StaffRole.Secretary], ct);
        var id = await store.RegisterAsync(caller.PersonId, unit, community.Id, kind, string.Join(",", cleanSkills), now,
            (c, tx) => Outbox.EnqueueAsync(c, tx, staff, new Notice("registration_pending", "新的党员报到申请", $"{caller.Name}申请在{community.Name}报到"),
                $"registration:{caller.PersonId}:{community.Id}:{kind}:{now.Ticks}", now, ct), ct);
        return (await store.GetAsync(id, ct))!;
    }

    public async Task<IReadOnlyList<RegistrationRow>> MineAsync(Caller caller, CancellationToken ct = default) =>
        await store.ListForPersonAsync(caller.PersonId, ct);

    public async Task<Result<IReadOnlyList<RegistrationRow>>> ForStaffAsync(Caller caller, string? status, CancellationToken ct = default)
    {
        if (!caller.IsStaff) return Error.Forbidden("registration.staff_only", "只有社区工作人员可以查看报到申请");
        if (status is not (null or "pending" or "approved" or "rejected" or "withdrawn"))
            return Error.Validation("registration.invalid_status", "状态只能是 pending、approved、rejected 或 withdrawn", "status");
        return Result(await store.ListInAreasAsync(caller.Staff.Select(s => s.AreaPath).ToList(), status, ct));
    }

    private static Result<IReadOnlyList<RegistrationRow>> Result(IReadOnlyList<RegistrationRow> rows) => Errors.Result<IReadOnlyList<RegistrationRow>>.From(rows);

    public async Task<Result<RegistrationRow>> DecideAsync(Caller caller, long id, bool approve, string? reason, CancellationToken ct = default)
    {
        var row = await store.GetAsync(id, ct);
        if (row is null || !caller.IsStaffOver(row.CommunityPath)) return Error.NotFound("registration.not_found", "报到申请不存在");
        if (!caller.CanApproveIn(row.CommunityPath)) return Error.Forbidden("registration.secretary_only", "报到申请由社区书记审核");
        reason = reason?.Trim();
        if (!approve && string.IsNullOrEmpty(reason)) return Error.Validation("registration.reason_required", "请填写不通过的原因", "reason");
        if (row.Status != "pending") return Error.Conflict("registration.already_decided", "这份申请已经处理过了");
        var now = clock.GetUtcNow().UtcDateTime;
        var notice = approve
            ? new Notice("registration_approved", "报到审核通过", $"您在{row.CommunityName}的报到已通过，可以认领社区工单了")
            : new Notice("registration_rejected", "报到未通过", $"您在{row.CommunityName}的报到未通过：{reason}");
        if (!await store.DecideAsync(id, "pending", approve ? "approved" : "rejected", approve ? null : reason, caller.PersonId, now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, [row.PersonId], notice, $"registration-decided:{id}:{now.Ticks}", now, ct), ct))
            return Error.Conflict("registration.already_decided", "这份申请已经处理过了");
        return (await store.GetAsync(id, ct))!;
    }

    public async Task<Result<RegistrationRow>> WithdrawAsync(Caller caller, long id, CancellationToken ct = default)
    {
        var row = await store.GetAsync(id, ct);
        if (row is null || row.PersonId != caller.PersonId) return Error.NotFound("registration.not_found", "报到申请不存在");
        if (row.Status is not ("pending" or "approved")) return Error.Conflict("registration.not_active", "这份报到已经结束");
        await store.DecideAsync(id, row.Status, "withdrawn", null, caller.PersonId, clock.GetUtcNow().UtcDateTime, null, ct);
        return (await store.GetAsync(id, ct))!;
    }

    // ---- units and pairings ----

    public async Task<Result<UnitRow>> RegisterUnitAsync(Caller caller, string? name, string? partyBranch, long? communityId, string? address, CancellationToken ct = default)
    {
        name = name?.Trim();
        partyBranch = partyBranch?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) return Error.Validation("unit.name_required", "请填写单位名称（100字以内）", "name");
        if (string.IsNullOrEmpty(partyBranch) || partyBranch.Length > 100) return Error.Validation("unit.branch_required", "请填写单位党组织名称（100字以内）", "partyBranch");
        if (address is { Length: > 200 }) return Error.Validation("unit.address_too_long", "地址不能超过200字", "address");
        var community = communityId is null ? null : await areas.GetAsync(communityId.Value, ct);
        if (community is not { Kind: AreaKind.Community }) return Error.Validation("unit.community_not_found", "请选择单位所在的社区", "communityId");
        var now = clock.GetUtcNow().UtcDateTime;
        var staff = await people.StaffOverAsync(community.Path, [StaffRole.Secretary], ct);
        var id = await store.RegisterUnitAsync(caller.PersonId, name, partyBranch, community.Id, address?.Trim(), now,
            (c, tx) => Outbox.EnqueueAsync(c, tx, staff, new Notice("unit_pending", "新的驻区单位报到", $"{name}申请在{community.Name}报到"), $"unit:{name}:{now.Ticks}", now, ct), ct);
        if (id is null) return Error.Conflict("unit.exists", $"单位「{name}」已经登记过了，请联系单位管理员");
        return (await store.GetUnitAsync(id.Value, ct))!;
    }

    public async Task<Result<UnitRow>> DecideUnitAsync(Caller caller, long unitId, bool approve, string? reason, CancellationToken ct = default)
    {
        var unit = await store.GetUnitAsync(unitId, ct);
        if (unit is null || !caller.IsStaffOver(unit.AreaPath)) return Error.NotFound("unit.not_found", "单位不存在");
        if (!caller.CanApproveIn(unit.AreaPath)) return Error.Forbidden("unit.secretary_only", "单位报到由社区书记审核");
        if (!approve && string.IsNullOrWhiteSpace(reason)) return Error.Validation("unit.reason_required", "请填写不通过的原因", "reason");
        var now = clock.GetUtcNow().UtcDateTime;
        var admins = await store.UnitAdminsAsync(unitId, ct);
        var notice = new Notice(approve ? "unit_approved" : "unit_rejected", approve ? "单位报到已通过" : "单位报到未通过",
            approve ? $"{unit.Name}已在{unit.AreaName}报到" : $"{unit.Name}报到未通过：{reason}");
        if (!await store.DecideUnitAsync(unitId, approve ? "approved" : "rejected", approve ? null : reason!.Trim(), caller.PersonId, now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, admins, notice, $"unit-decided:{unitId}", now, ct), ct))
            return Error.Conflict("unit.already_decided", "这个单位已经审核过了");
        return (await store.GetUnitAsync(unitId, ct))!;
    }

    public async Task<Result<PairingRow>> RequestPairingAsync(Caller caller, long unitId, long? communityId, CancellationToken ct = default)
    {
        if (!caller.UnitAdminOf.Contains(unitId)) return Error.NotFound("unit.not_found", "单位不存在");
        var unit = (await store.GetUnitAsync(unitId, ct))!;
        if (unit.Status != "approved") return Error.Conflict("unit.not_approved", "单位报到通过后才能申请结对");
        var community = communityId is null ? null : await areas.GetAsync(communityId.Value, ct);
        if (community is not { Kind: AreaKind.Community }) return Error.Validation("unit.community_not_found", "请选择要结对的社区", "communityId");
        if (community.Id == unit.AreaId) return Error.Conflict("pairing.own_community", "单位已在所在社区报到，无需结对");
        var now = clock.GetUtcNow().UtcDateTime;
        var staff = await people.StaffOverAsync(community.Path, [StaffRole.Secretary], ct);
        if (!await store.RequestPairingAsync(unitId, community.Id, now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, staff, new Notice("pairing_pending", "结对共建申请", $"{unit.Name}申请与{community.Name}结对共建"), $"pairing:{unitId}:{community.Id}:{now.Ticks}", now, ct), ct))
            return Error.Conflict("pairing.exists", "已经申请过与这个社区结对");
        return (await store.PairingsAsync(unitId, null, null, ct)).Single(p => p.CommunityId == community.Id);
    }

    public async Task<Result<PairingRow>> DecidePairingAsync(Caller caller, long unitId, long communityId, bool approve, string? reason, CancellationToken ct = default)
    {
        var pairing = (await store.PairingsAsync(unitId, null, null, ct)).FirstOrDefault(p => p.CommunityId == communityId);
        if (pairing is null || !caller.IsStaffOver(pairing.CommunityPath)) return Error.NotFound("pairing.not_found", "结对申请不存在");
        if (!caller.CanApproveIn(pairing.CommunityPath)) return Error.Forbidden("pairing.secretary_only", "结对申请由社区书记审核");
        if (!approve && string.IsNullOrWhiteSpace(reason)) return Error.Validation("pairing.reason_required", "请填写不通过的原因", "reason");
        var now = clock.GetUtcNow().UtcDateTime;
        var admins = await store.UnitAdminsAsync(unitId, ct);
        if (!await store.DecidePairingAsync(unitId, communityId, approve ? "approved" : "rejected", approve ? null : reason!.Trim(), caller.PersonId, now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, admins, new Notice(approve ? "pairing_approved" : "pairing_rejected", approve ? "结对共建已通过" : "结对共建未通过",
                    $"{pairing.UnitName}与{pairing.CommunityName}{(approve ? "结对成功" : "结对未通过：" + reason)}"), $"pairing-decided:{unitId}:{communityId}:{now.Ticks}", now, ct), ct))
            return Error.Conflict("pairing.already_decided", "这份结对申请已经处理过了");
        return (await store.PairingsAsync(unitId, null, null, ct)).Single(p => p.CommunityId == communityId);
    }

    public sealed record UnitOverview(UnitRow Unit, IReadOnlyList<PairingRow> Pairings);

    public async Task<IReadOnlyList<UnitOverview>> MyUnitsAsync(Caller caller, CancellationToken ct = default)
    {
        var list = new List<UnitOverview>();
        foreach (var id in caller.UnitAdminOf)
            list.Add(new UnitOverview((await store.GetUnitAsync(id, ct))!, await store.PairingsAsync(id, null, null, ct)));
        return list;
    }

    public async Task<Result<(IReadOnlyList<UnitRow> Units, IReadOnlyList<PairingRow> Pairings)>> PendingUnitsForStaffAsync(Caller caller, CancellationToken ct = default)
    {
        if (!caller.IsStaff) return Error.Forbidden("unit.staff_only", "只有社区工作人员可以查看单位报到");
        var paths = caller.Staff.Select(s => s.AreaPath).ToList();
        return (await store.UnitsInAreasAsync(paths, "pending", ct), await store.PairingsAsync(null, paths, "pending", ct));
    }

    public async Task<Result<IReadOnlyList<UnitMemberRow>>> UnitMembersAsync(Caller caller, long unitId, CancellationToken ct = default)
    {
        var unit = await store.GetUnitAsync(unitId, ct);
        if (unit is null || (!caller.UnitAdminOf.Contains(unitId) && !caller.IsStaffOver(unit.AreaPath))) return Error.NotFound("unit.not_found", "单位不存在");
        return Errors.Result<IReadOnlyList<UnitMemberRow>>.From(await store.UnitMembersAsync(unitId, ct));
    }
}
