using Governance.Core.Errors;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Broadcasts;

public static class BroadcastErrors
{
    public static readonly ErrorCode InvalidTitle = new("broadcast.invalid_title", Validation, "标题字数不对", "title");
    public static readonly ErrorCode InvalidBody = new("broadcast.invalid_body", Validation, "内容字数不对", "body");
    public static readonly ErrorCode InvalidAudience = new(
        "broadcast.invalid_audience",
        Validation,
        "对象只能是 members、residents、both 或 list",
        "audience"
    );
    public static readonly ErrorCode AreaRequired = new(
        "broadcast.area_required",
        Validation,
        "请选择发送范围（社区、网格或楼栋）",
        "areaId"
    );
    public static readonly ErrorCode SecretaryOnly = new(
        "broadcast.secretary_only",
        Forbidden,
        "通知由社区书记或街道发送"
    );
    public static readonly ErrorCode InvalidList = new(
        "broadcast.invalid_list",
        Validation,
        "名单人数不对",
        "personIds"
    );
    public static readonly ErrorCode PersonOutOfScope = new(
        "broadcast.person_out_of_scope",
        Validation,
        "名单中有人不在所选范围内",
        "personIds"
    );
    public static readonly ErrorCode NotFound = new("broadcast.not_found", ErrorKind.NotFound, "通知不存在");
    public static readonly ErrorCode AlreadySent = new("broadcast.already_sent", Conflict, "这条通知已经发出了");
    public static readonly ErrorCode InvalidTime = new(
        "broadcast.invalid_time",
        Validation,
        "定时发送的时间不对",
        "sendAt"
    );
    public static readonly ErrorCode InvalidStatus = new(
        "broadcast.invalid_status",
        Validation,
        "状态不正确",
        "status"
    );

    public static readonly ErrorCode[] Create =
    [
        InvalidTitle,
        InvalidBody,
        InvalidAudience,
        AreaRequired,
        SecretaryOnly,
        CommonErrors.AreaNotFound,
        InvalidList,
        PersonOutOfScope,
    ];
    public static readonly ErrorCode[] Read = [NotFound];
    public static readonly ErrorCode[] Send = [NotFound, AlreadySent, InvalidTime];
    public static readonly ErrorCode[] Cancel = [NotFound, AlreadySent];
    public static readonly ErrorCode[] Recipients = [NotFound, InvalidStatus, CommonErrors.PagingInvalid];
}
