using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Governance.Core.Areas;
using Governance.Core.Categories;
using Governance.Core.Intake;
using Governance.Core.Messaging;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;
using Governance.Wechat.Client;
using Governance.Wechat.Protocol;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Chat;

/// <summary>
/// The resident's conversation in the official account: turns free text (or voice, photos, a location)
/// into a well-formed service order, asking only for what is missing, and answers the everyday commands
/// (查询, 催办, 满意/不满意, 取消, 人工, 帮助). Replies are short, polite, plain Chinese for a phone screen.
/// State lives in the database, so any node can take the next message.
/// </summary>
public sealed partial class ResidentDialog(
    WechatOptions options,
    ConversationStore conversations,
    PersonStore people,
    OrderReports reports,
    OrderReader orders,
    IntakeService intake,
    CategoryStore categories,
    AreaStore areas,
    PhotoStorage photos,
    WechatApiClient wechat,
    WriteLimiter limiter,
    TimeProvider clock,
    ILogger<ResidentDialog> log
)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Stored as written (utf8mb4): a conversation under way reads as Chinese, not \u escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public const string Help =
        "您好！这里是社区服务号。\n"
        + "① 直接发文字、语音或照片反映问题，例如：金龙小区3栋楼道灯坏了\n"
        + "② 回复「查询」查看我的工单\n③ 回复「催办 工单号」催一催\n"
        + "④ 办结后回复「满意」「基本满意」或「不满意+原因」\n⑤ 回复「取消」撤销，回复「人工」联系网格员\n"
        + "紧急情况请直接拨打119/120/110。";

    [GeneratedRegex(@"GD\d{8}-\d{4,}", RegexOptions.IgnoreCase)]
    private static partial Regex CodePattern();

    /// <summary>
    /// One turn: the reply (null for none) and what the turn leaves of the conversation, which the caller records
    /// together with the reply (see <see cref="InboundMessageStore.CompleteAsync"/>).
    /// </summary>
    public async Task<DialogTurn> HandleAsync(InboundMessage msg, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (msg.MsgType == "event")
            return await EventAsync(msg, now, ct);

        var (known, json) = await conversations.LoadTurnAsync(msg.FromUserName, now, ct);
        var caller =
            known
            ?? (await people.LoadCallerAsync(await people.EnsureByOaOpenidAsync(msg.FromUserName, null, now, ct), ct))!;
        var personId = caller.PersonId;
        var state = Read(json);
        var (reply, next) = msg.MsgType switch
        {
            "text" => await TextAsync(caller, state, msg.Content ?? "", ct),
            "voice" => string.IsNullOrWhiteSpace(msg.Recognition)
                ? ("抱歉，没听清您的语音（未能识别出文字）。请用文字描述问题，或再说一遍。", state)
                : await TextAsync(caller, state, msg.Recognition!, ct),
            "image" => await ImageAsync(caller, state, msg, ct),
            "location" => await LocationAsync(caller, state, msg, ct),
            "link" => state.Draft is { } d
                ? await AddDetailAsync(
                    caller,
                    state with
                    {
                        Draft = d with { Text = Join(d.Text, $"{msg.Title} {msg.Url}") },
                    },
                    ct
                )
                : (
                    $"收到链接「{Shorten(msg.Title ?? "", 20)}」。如需反映问题，请直接用文字描述，例如：金龙小区3栋楼道灯坏了。",
                    state
                ),
            "video" or "shortvideo" => ("收到视频。目前只能保存照片，请发照片或用文字描述问题。", state),
            _ => ("暂时无法处理这类消息。" + "请用文字、语音、照片或位置反映问题，回复「帮助」查看用法。", state),
        };
        // Nothing to write when no conversation was under way and none begins.
        var write = json is null && IsEmpty(next) ? null : Write(msg.FromUserName, personId, next, now);
        return new DialogTurn(reply, write);
    }

    // ---- events ----

    private async Task<DialogTurn> EventAsync(InboundMessage msg, DateTime now, CancellationToken ct)
    {
        switch ((msg.Event ?? "").ToLowerInvariant())
        {
            case "subscribe":
                await people.EnsureByOaOpenidAsync(msg.FromUserName, true, now, ct);
                return new("欢迎关注！有问题随时告诉我们，社区会安排专人限期办理。\n" + Help, null);
            case "unsubscribe":
                // They will get no more template messages; nothing is sent back (WeChat would not deliver it).
                var gone = await people.EnsureByOaOpenidAsync(msg.FromUserName, false, now, ct);
                return new(null, Write(msg.FromUserName, gone, ChatState.Empty, now));
            case "click":
                var text = (msg.EventKey ?? "").ToUpperInvariant() switch
                {
                    "REPORT" => "反映问题",
                    "MY_ORDERS" => "查询",
                    "HUMAN" => "人工",
                    _ => "帮助",
                };
                if (text == "反映问题")
                    return new(
                        "请直接发送文字、语音或照片描述问题和位置，例如：金龙小区3栋2单元楼道灯坏了。也可以发送「位置」帮我们定位。",
                        null
                    );
                return await HandleAsync(msg with { MsgType = "text", Content = text, Event = null }, ct);
            default:
                // VIEW (menu link), LOCATION reports and SCAN need no reply; delivery receipts and subscription events
                // are the gateway's (see WechatGateway).
                return new(null, null);
        }
    }

    // ---- text ----

    private async Task<(string, ChatState)> TextAsync(Caller caller, ChatState state, string raw, CancellationToken ct)
    {
        var text = raw.Trim();
        if (text.Length == 0)
            return (Help, state);
        var compact = text.Replace(" ", "").TrimEnd('。', '！', '!', '.', '~');

        if (
            compact
            is "帮助"
                or "help"
                or "HELP"
                or "?"
                or "？"
                or "菜单"
                or "你好"
                or "您好"
                or "在吗"
                or "hi"
                or "hello"
        )
            return (Help, state);
        if (
            compact is "查询" or "我的工单" or "进度" or "查进度" or "工单" or "查询工单" or "我的"
            || compact.StartsWith("查询GD", StringComparison.OrdinalIgnoreCase)
        )
            return (await StatusAsync(caller, CodeIn(text), ct), state);
        if (
            compact.StartsWith("催办", StringComparison.Ordinal)
            || compact.StartsWith("催一下", StringComparison.Ordinal)
        )
            return (await UrgeAsync(caller, CodeIn(text), ct), state);
        if (compact.StartsWith("人工", StringComparison.Ordinal) || compact is "转人工" or "找网格员" or "客服")
            return (await HandoverAsync(caller, state, text, ct), state);
        if (state.Awaiting == Awaiting.CancelUrgent && state.PendingCode is { } pendingCode)
            return await ConfirmUrgentCancelAsync(caller, pendingCode, compact, ct);
        if (
            compact.StartsWith("取消", StringComparison.Ordinal) || compact.StartsWith("撤销", StringComparison.Ordinal)
        )
            return await CancelAsync(caller, state, CodeIn(text), ct);
        // "没有煤气味了，刚才是误会": the danger is gone; offer to withdraw the urgent report it raised.
        if (state.Draft is null && await UrgentToWithdrawAsync(caller, text, ct) is { } offer)
            return (
                $"您之前反映的紧急情况（工单 {offer.Code}）已经解除了吗？如需撤销，请回复「确认撤销」；"
                    + "回复其他内容则保留工单，工作人员会继续跟进。",
                state with
                {
                    Awaiting = Awaiting.CancelUrgent,
                    PendingCode = offer.Code,
                }
            );
        if (
            compact is "满意" or "非常满意" or "很满意" or "基本满意"
            || compact.StartsWith("不满意", StringComparison.Ordinal)
        )
            return await RateAsync(caller, state, compact, text, ct);
        if (
            compact is "谢谢" or "谢谢你" or "感谢" or "好的" or "收到" or "知道了" or "嗯嗯"
            && state.Awaiting is not Awaiting.Confirm
        )
            return ("不客气！有问题随时告诉我们。", state);

        switch (state.Awaiting)
        {
            case Awaiting.Confirm
                when compact
                    is "确认"
                        or "是"
                        or "是的"
                        or "对"
                        or "好"
                        or "提交"
                        or "确定"
                        or "1"
                        or "可以"
                        or "嗯"
                        or "好的"
                        or "没问题":
                return await SubmitAsync(caller, state, ct);
            case Awaiting.RatingReason when state.RatingCode is { } code:
                return await FinishRatingAsync(caller, state, code, "unsatisfied", text, ct);
            case Awaiting.Category:
                if (await PickCategoryAsync(compact, ct) is { } picked)
                    return await NextStepAsync(
                        caller,
                        state with
                        {
                            Draft = state.Draft! with
                            {
                                CategoryId = picked.Id,
                                CategoryName = picked.Name,
                                CategoryChosen = true,
                            },
                        },
                        ct
                    );
                // Not a pick: more about the problem, which may make the category clear.
                if (state.Draft is { } unclear && !OnlyAWishToReport(text))
                    return await NextStepAsync(
                        caller,
                        state with
                        {
                            Draft = await MergeDetailAsync(caller, unclear, text, ct),
                        },
                        ct
                    );
                break;
            case Awaiting.Place:
                var place = await PlaceFromTextAsync(caller, text, ct);
                if (place is not null)
                    return await NextStepAsync(
                        caller,
                        state with
                        {
                            Draft = ApplyPlace(state.Draft!, place.Value),
                        },
                        ct
                    );
                return (
                    "还是没找到这个位置。请回复小区名称和楼栋，例如「金龙小区3栋」，或点击输入框旁的「+」发送位置。",
                    state with
                    {
                        Asked = state.Asked + 1,
                    }
                );
            case Awaiting.Confirm
                when state.Draft is { } answering
                    && state.QuestionKey is { } key
                    && !await LooksLikeDetailAsync(text, ct):
                return await NextStepAsync(
                    caller,
                    state with
                    {
                        Draft = compact is "跳过" or "不知道" or "不清楚" or "不答" or "略" or "没有" or "无"
                            ? answering with { Skipped = [.. answering.Skipped, key] }
                            : answering with
                            {
                                Answers = new(answering.Answers) { [key] = Chars.Cut(text, 200, ellipsis: false) },
                            },
                        QuestionKey = null,
                    },
                    ct
                );
            case Awaiting.Describe when state.Draft is { } describing:
                return await NewReportAsync(caller, state, text, describing, ct);
            case Awaiting.Confirm when state.Draft is { } pending:
                // Anything else while confirming is more detail: a place, a category hint or more description. A
                // building that is not in the compound or grid already named is questioned, not taken.
                var detailPlace = PlaceExtractor.Extract(text, await intake.PlacesAsync(ct));
                if ((await BuildingInScopeAsync(pending, detailPlace, ct)).Problem is { } problem)
                    return (problem, state);
                return await AddDetailAsync(
                    caller,
                    state with
                    {
                        Draft = await MergeDetailAsync(caller, pending, text, ct),
                    },
                    ct
                );
        }
        return await NewReportAsync(caller, state, text, null, ct);
    }

    private async Task<(string, ChatState)> NewReportAsync(
        Caller caller,
        ChatState state,
        string text,
        Draft? started,
        CancellationToken ct
    )
    {
        var analysis = await intake.AnalyzeAsync(text, ct);
        // "有个问题想反映一下": the wish to report, but no problem yet. Ask for it instead of guessing a category.
        if (!analysis.Urgency.IsUrgent && started is null && OnlyAWishToReport(text))
            return (
                "好的，请说说遇到了什么问题、在哪里，例如：金龙小区3栋楼道灯坏了。",
                state with
                {
                    Draft = new Draft(),
                    Awaiting = Awaiting.Describe,
                    Asked = 0,
                }
            );
        if (!analysis.Urgency.IsUrgent && text.Length < 4 && started is null)
            return (
                "没太明白您的意思。如需反映问题，请描述一下是什么问题、在哪里，例如：金龙小区3栋楼道灯坏了。回复「帮助」查看用法。",
                state
            );

        var draft = (started ?? new Draft()) with
        {
            Text = Join(started?.Text ?? "", text),
            Urgent = analysis.Urgency.IsUrgent,
        };
        if (analysis.Confident || analysis.Urgency.IsUrgent)
        {
            var category = analysis.Category ?? await HazardCategoryAsync(analysis.Urgency, ct);
            draft = draft with { CategoryId = category?.Id, CategoryName = category?.Name };
        }
        if (draft.AreaId is null && await ResolvePlaceAsync(caller, analysis.Place, ct) is { } place)
            draft = ApplyPlace(draft, place);

        if (analysis.Urgency.IsUrgent)
        {
            var warning = Warning(analysis.Urgency);
            if (draft.AreaId is null)
                return (
                    $"{warning}\n请马上告诉我们具体位置（小区和楼栋），或发送定位，我们会立即通知网格员。",
                    state with
                    {
                        Draft = draft,
                        Awaiting = Awaiting.Place,
                        Asked = 0,
                    }
                );
            var (created, after) = await CreateAsync(caller, state with { Draft = draft }, ct);
            return ($"{warning}\n{created}", after);
        }
        return await NextStepAsync(caller, state with { Draft = draft }, ct);
    }

    /// <summary>Asks for what is missing (category, then place), otherwise shows the summary to confirm.</summary>
    private async Task<(string, ChatState)> NextStepAsync(Caller caller, ChatState state, CancellationToken ct)
    {
        var draft = state.Draft!;
        if (draft.CategoryId is null)
        {
            var list = await categories.ListActiveAsync(ct);
            var menu = string.Join("\n", list.Select((c, i) => $"{i + 1}. {c.Name}"));
            return (
                $"请问属于哪一类问题？回复序号即可：\n{menu}",
                state with
                {
                    Awaiting = Awaiting.Category,
                    Asked = 0,
                }
            );
        }
        if (draft.AreaId is null)
            return (
                "请问问题在哪里？请回复小区名称和楼栋，例如「金龙小区3栋」，也可以直接发送位置。",
                state with
                {
                    Awaiting = Awaiting.Place,
                    Asked = 0,
                }
            );
        if (draft.Urgent)
        {
            // Safety first, also when the danger came out in a later message.
            var (created, after) = await CreateAsync(caller, state, ct);
            var urgency = UrgencyDetector.Detect(draft.Text);
            return (urgency.IsUrgent ? $"{Warning(urgency)}\n{created}" : created, after);
        }
        // The category's own questions (问题出现多久了？影响几户？) ride along with the summary, one at a time: the
        // resident answers, or confirms without answering.
        var category = (await categories.ListActiveAsync(ct)).FirstOrDefault(c => c.Id == draft.CategoryId);
        var question = category
            ?.QuestionList.Where(q => !draft.Answers.ContainsKey(q.Key) && !draft.Skipped.Contains(q.Key))
            .Select(q => ((string Key, string Text)?)q)
            .FirstOrDefault();
        var summary = Summary(draft);
        if (question is { } q)
            summary += $"\n顺便问一下：{q.Text}（直接回复即可，不清楚回复「跳过」）";
        return (summary, state with { Awaiting = Awaiting.Confirm, QuestionKey = question?.Key });
    }

    /// <summary>
    /// While a category question is pending, a message that names a place or a category is more detail for the
    /// report; anything else answers the question.
    /// </summary>
    private async Task<bool> LooksLikeDetailAsync(string text, CancellationToken ct)
    {
        if (await PickCategoryAsync(text.Replace(" ", ""), ct) is { } named && named.Name.Length == text.Trim().Length)
            return true;
        return UrgencyDetector.Detect(text).IsUrgent
            || !PlaceExtractor.Extract(text, await intake.PlacesAsync(ct)).IsEmpty;
    }

    private static string Warning(UrgencyResult urgency) =>
        $"⚠️ 紧急情况请立即拨打{string.Join("/", urgency.EmergencyNumbers)}！\n{urgency.SafetyAdvice}";

    /// <summary>Text that only says the resident wants to report something, with no problem in it.</summary>
    private static bool OnlyAWishToReport(string text)
    {
        var rest = WishWords().Replace(text, "");
        return rest.Count(c => c is >= '\u4E00' and <= '\u9FFF') < 2 && !rest.Any(char.IsAsciiLetter);
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        "有个|有一个|有件事|有点事|问题|想要?|我要|要|反映|反应|投诉|报修|举报|咨询|求助|一下|请问|你好|您好|麻烦|帮忙|请|"
            + "社区|网格员|书记|的|了|吗|呢|啊|呀|我|[\\s\\p{P}]"
    )]
    private static partial System.Text.RegularExpressions.Regex WishWords();

    private async Task<(string, ChatState)> AddDetailAsync(Caller caller, ChatState state, CancellationToken ct) =>
        state.Awaiting == Awaiting.Confirm && !state.Draft!.Urgent
            ? (Summary(state.Draft!), state)
            : await NextStepAsync(caller, state, ct);

    private async Task<Draft> MergeDetailAsync(Caller caller, Draft draft, string text, CancellationToken ct)
    {
        if (await PickCategoryAsync(text.Replace(" ", ""), ct) is { } named && named.Name.Length == text.Trim().Length)
            return draft with { CategoryId = named.Id, CategoryName = named.Name, CategoryChosen = true };
        // The detail's own place (the classifier runs once, below, on the whole report).
        var said = PlaceExtractor.Extract(text, await intake.PlacesAsync(ct));
        if ((await BuildingInScopeAsync(draft, said, ct)).Place is { } inScope)
            draft = ApplyPlace(draft, inScope);
        // Every added detail re-reads the whole report: "小区门口的垃圾桶满了" turns 其他 into 环境卫生, and a detail
        // that reveals danger makes the report urgent. A category the resident chose stays.
        var whole = await intake.AnalyzeAsync(Join(draft.Text, text), ct);
        if (whole.Urgency.IsUrgent)
            draft = draft with { Urgent = true };
        if (!draft.CategoryChosen && (whole.Confident || whole.Urgency.IsUrgent) && whole.Category is { } reread)
            draft = draft with { CategoryId = reread.Id, CategoryName = reread.Name };
        var place =
            said.IsEmpty || IsBareBuilding(said) && draft.AreaId is not null
                ? null
                : await ResolvePlaceAsync(caller, said, ct);
        draft =
            place is not null && (!said.RelativeToHome || draft.AreaId is null)
                ? ApplyPlace(draft, place.Value)
                : draft;
        return draft with { Text = Join(draft.Text, text) };
    }

    private static string Summary(Draft d)
    {
        var sb = new StringBuilder("请确认您要反映的问题：\n");
        sb.Append("类别：").Append(d.CategoryName).Append('\n');
        sb.Append("位置：").Append(d.PlaceName).Append(d.PlaceIsHome ? "（您登记的住址）" : "").Append('\n');
        sb.Append("描述：").Append(Shorten(d.Text, 80)).Append('\n');
        if (d.Photos.Count > 0)
            sb.Append("照片：").Append(d.Photos.Count).Append("张\n");
        sb.Append("回复「确认」提交，回复「取消」放弃；信息不对可以直接补充。");
        return sb.ToString();
    }

    private Task<(string, ChatState)> SubmitAsync(Caller caller, ChatState state, CancellationToken ct) =>
        CreateAsync(caller, state, ct);

    /// <summary>
    /// Files the draft through Core's one submit, which also decides whether it joins an open order that covers it.
    /// </summary>
    private async Task<(string, ChatState)> CreateAsync(Caller caller, ChatState state, CancellationToken ct)
    {
        var d = state.Draft!;
        // An urgent report is never held back; anything else counts against the same limit as the mini-program's.
        if (!d.Urgent && Throttled(caller) is { } wait)
            return (wait + "您的反映已保留，稍后回复「确认」即可提交。", state);
        var result = await reports.SubmitAsync(
            caller,
            new CreateOrderInput(
                d.CategoryId,
                Chars.Cut(d.Text, OrderReports.MaxDescriptionChars, ellipsis: false),
                d.LocationText,
                null,
                d.AreaId,
                d.Urgent ? Urgency.Urgent : Urgency.Normal,
                d.Latitude,
                d.Longitude,
                OrderSource.WechatChat
            )
            {
                Answers = d.Answers.Count == 0 ? null : d.Answers,
            },
            [],
            d.Photos,
            ct
        );
        if (!result.IsOk)
        {
            log.LogWarning("Chat report refused: {Code}", result.Error!.Code);
            return ($"提交没有成功：{result.Error.Message}。请修改后再试，或回复「人工」联系网格员。", state);
        }
        var order = result.Value!;
        var reply = order.Outcome switch
        {
            ReportOutcome.AlreadyReported =>
                $"您已经反映过这个问题，工单 {order.Code} 正在{OrderStatus.ChineseName(order.Status)}，这次的补充已记在工单上，不会重复登记。回复「催办 "
                    + $"{order.Code}」可以催一催。",
            ReportOutcome.Linked =>
                $"同一位置已有相同问题的工单 {order.Code}（{OrderStatus.ChineseName(order.Status)}），已把您的反映合并进去，处理进展会同步告诉您，不用重复提交。",
            _ when d.Urgent => $"已登记紧急工单 {order.Code}，已通知网格员和社区书记，会尽快联系您。",
            _ =>
                $"已提交，工单号 {order.Code}。\n我们会在{order.ResolveBy:M月d日}前办结，进展会通过公众号通知您。回复「查询」可查看进度。",
        };
        return (reply, ChatState.Empty);
    }

    /// <summary>
    /// The per-person write limit the mini-program has (RateLimits), for the chat: null when the person may write
    /// now, else a polite reply saying when they may.
    /// </summary>
    private string? Throttled(Caller caller)
    {
        var (allowed, after) = limiter.TryAcquire(caller.PersonId);
        return allowed ? null : $"您操作太频繁了，请{Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))}秒后再试。";
    }

    // ---- commands ----

    private async Task<string> StatusAsync(Caller caller, string? code, CancellationToken ct)
    {
        if (code is not null)
        {
            var one = await orders.GetAsync(caller, code, ct);
            if (!one.IsOk)
                return $"没有找到您的工单 {code}，请核对工单号。";
            var o = one.Value!;
            var last = o.Timeline[^1];
            var note = last.Note is null ? "" : "，" + Shorten(last.Note, 30);
            return $"{o.Code} {o.Category.Name}\n状态：{o.StatusName}\n最近：{last.At:M月d日 HH:mm} {last.Title}{note}\n"
                + (OrderStatus.Open.Contains(o.Status) ? $"办结期限：{o.ResolveBy:M月d日 HH:mm}" : "");
        }
        var mine = await orders.MineAsync(caller, 5, ct);
        if (mine.Count == 0)
            return "您还没有提交过工单。直接发送文字、语音或照片就可以反映问题。";
        var lines = mine.Select(
            (o, i) =>
                $"{i + 1}. {o.Code} {o.CategoryName}｜{OrderStatus.ChineseName(o.Status)}"
                + (OrderStatus.Open.Contains(o.Status) ? $"｜{ChinaTime.ToChina(o.ResolveDueAt):M月d日}前" : "")
        );
        return "您最近的工单：\n" + string.Join("\n", lines) + "\n回复「查询 工单号」看详情。";
    }

    private async Task<string> UrgeAsync(Caller caller, string? code, CancellationToken ct)
    {
        code ??= (await orders.MineAsync(caller, 20, ct))
            .FirstOrDefault(o => OrderStatus.Open.Contains(o.Status))
            ?.Code;
        if (code is null)
            return "您目前没有正在办理的工单。";
        if (Throttled(caller) is { } wait)
            return wait;
        var result = await reports.UrgeAsync(caller, code, ct);
        if (!result.IsOk)
            return result.Error!.Code == "order.not_found"
                ? $"没有找到您的工单 {code}，请核对工单号。"
                : result.Error.Message + "。";
        return $"已为您催办 {code}，已提醒办理人员尽快处理。";
    }

    private async Task<(string, ChatState)> CancelAsync(
        Caller caller,
        ChatState state,
        string? code,
        CancellationToken ct
    )
    {
        if (code is null && state.Draft is { } draft)
        {
            foreach (var p in draft.Photos)
                photos.Delete(p);
            return ("好的，已取消这次反映。有问题随时告诉我们。", ChatState.Empty);
        }
        code ??= (await orders.MineAsync(caller, 20, ct))
            .FirstOrDefault(o =>
                o.ResidentId == caller.PersonId
                && o.Status is OrderStatus.Submitted or OrderStatus.Accepted or OrderStatus.Published
            )
            ?.Code;
        if (code is null)
            return ("您目前没有可以撤销的工单（已有人认领的工单不能撤销）。", state);
        // An urgent report alerted people who may already be on their way: withdrawing it takes a confirmation.
        var mine = (await orders.MineAsync(caller, 20, ct)).FirstOrDefault(o =>
            string.Equals(o.Code, code, StringComparison.OrdinalIgnoreCase)
        );
        if (mine?.Urgency == Urgency.Urgent)
            return (
                $"工单 {mine.Code} 是紧急工单，已经通知了网格员和社区书记。确定要撤销吗？回复「确认撤销」撤销，"
                    + "回复其他内容则保留。",
                state with
                {
                    Awaiting = Awaiting.CancelUrgent,
                    PendingCode = mine.Code,
                }
            );
        if (Throttled(caller) is { } wait)
            return (wait, state);
        var result = await reports.CancelAsync(caller, code, "居民在公众号撤销", ct);
        return (result.IsOk ? $"已撤销工单 {code}。" : result.Error!.Message + "。", state);
    }

    private async Task<(string, ChatState)> ConfirmUrgentCancelAsync(
        Caller caller,
        string code,
        string compact,
        CancellationToken ct
    )
    {
        if (compact is not ("确认撤销" or "确认" or "撤销" or "是" or "是的" or "对" or "好" or "确定"))
            return ($"好的，紧急工单 {code} 保留，工作人员会尽快处理。", ChatState.Empty);
        var result = await reports.CancelAsync(caller, code, "居民确认紧急情况已解除", ct);
        return (
            result.IsOk ? $"已撤销紧急工单 {code}，并已告知收到警报的工作人员。" : result.Error!.Message + "。",
            ChatState.Empty
        );
    }

    /// <summary>
    /// The resident's open urgent report from the last day, when this message says the danger is gone (a hazard
    /// mentioned only to clear it) and raises none.
    /// </summary>
    private async Task<OrderRow?> UrgentToWithdrawAsync(Caller caller, string text, CancellationToken ct)
    {
        var urgency = UrgencyDetector.Detect(text);
        if (urgency.IsUrgent || urgency.Cleared.Count == 0)
            return null;
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-1);
        return (await orders.MineAsync(caller, 20, ct)).FirstOrDefault(o =>
            o.Urgency == Urgency.Urgent
            && o.ResidentId == caller.PersonId
            && o.CreatedAt >= since
            && o.Status is OrderStatus.Submitted or OrderStatus.Accepted or OrderStatus.Published
        );
    }

    private async Task<(string, ChatState)> RateAsync(
        Caller caller,
        ChatState state,
        string compact,
        string text,
        CancellationToken ct
    )
    {
        var code = CodeIn(text)
            ?? (await orders.MineAsync(caller, 20, ct))
                .FirstOrDefault(o => o.ResidentId == caller.PersonId && o.Status == OrderStatus.Resolved)
                ?.Code;
        if (code is null)
            return ("您目前没有待评价的工单，办结后我们会请您评价。", state);
        if (compact.StartsWith("不满意", StringComparison.Ordinal))
        {
            var reason = CodePattern()
                .Replace(text, "")
                .Trim()
                .TrimStart('不', '满', '意')
                .Trim(' ', '，', ',', '：', ':', '。');
            if (reason.Length == 0)
                return (
                    "很抱歉没有让您满意。请说说哪里不满意，我们会安排重新办理。",
                    state with
                    {
                        Awaiting = Awaiting.RatingReason,
                        RatingCode = code,
                    }
                );
            return await FinishRatingAsync(caller, state, code, "unsatisfied", reason, ct);
        }
        return await FinishRatingAsync(
            caller,
            state,
            code,
            compact == "基本满意" ? "basically_satisfied" : "satisfied",
            null,
            ct
        );
    }

    private async Task<(string, ChatState)> FinishRatingAsync(
        Caller caller,
        ChatState state,
        string code,
        string rating,
        string? reason,
        CancellationToken ct
    )
    {
        if (Throttled(caller) is { } wait)
            return (wait, state);
        var result = await reports.RateAsync(caller, code, rating, reason, ct);
        var next = state with
        {
            Awaiting =
                state.Draft is null ? null
                : state.Awaiting == Awaiting.RatingReason ? null
                : state.Awaiting,
            RatingCode = null,
        };
        if (!result.IsOk)
            return (result.Error!.Message + "。", next);
        return (
            rating == "unsatisfied"
                ? $"已收到您的意见，工单 {code} 将重新办理，新的办结期限是{result.Value!.ResolveBy:M月d日}。"
                : $"感谢您的评价！工单 {code} 已关闭。",
            next
        );
    }

    private async Task<string> HandoverAsync(Caller caller, ChatState state, string text, CancellationToken ct)
    {
        var open = (await orders.MineAsync(caller, 20, ct)).FirstOrDefault(o => OrderStatus.Open.Contains(o.Status));
        string? path = open?.AreaPath;
        if (path is null && state.Draft?.AreaId is { } draftArea)
            path = (await areas.GetAsync(draftArea, ct))?.Path;
        if (path is null && caller.HomeBuildingId is { } home)
            path = (await areas.GetAsync(home, ct))?.Path;
        if (path is null)
            return "好的。请先告诉我们您住在哪个小区（例如「金龙小区3栋」），我们请对应的网格员联系您。";
        if (Throttled(caller) is { } wait)
            return wait;
        var staff = await reports.HandoverAsync(caller, open, path, text.Length > 2 ? text : null, ct);
        return staff.Count > 0
            ? "好的，已通知您所在网格的网格员，会尽快联系您。"
            : "好的，已记录您的请求，社区工作人员会尽快联系您。";
    }

    // ---- photos and places ----

    private async Task<(string, ChatState)> ImageAsync(
        Caller caller,
        ChatState state,
        InboundMessage msg,
        CancellationToken ct
    )
    {
        var bytes = msg.MediaId is null ? null : await wechat.GetMediaAsync(msg.MediaId, ct);
        var upload = bytes is null ? null : new PhotoUpload("wechat.jpg", null, bytes);
        if (upload is null || photos.Validate([upload]) is not null)
            return ("照片没有收到，请再发一次，或用文字描述问题。", state);
        var draft = state.Draft ?? new Draft();
        if (draft.Photos.Count >= 9)
            return ("每个问题最多9张照片，已经够啦。回复「确认」提交。", state);
        draft = draft with
        {
            Photos = [.. draft.Photos, await photos.SaveAsync(upload, clock.GetUtcNow().UtcDateTime, ct)],
        };
        if (state.Draft is null || draft.Text.Length == 0)
            return (
                $"收到照片（{draft.Photos.Count}张）。请用文字简单说一下是什么问题、在哪里，例如：金龙小区3栋楼道灯坏了。",
                state with
                {
                    Draft = draft,
                    Awaiting = Awaiting.Describe,
                }
            );
        return state.Awaiting == Awaiting.Confirm
            ? ($"已添加照片（共{draft.Photos.Count}张）。回复「确认」提交。", state with { Draft = draft })
            : await NextStepAsync(caller, state with { Draft = draft }, ct);
    }

    private async Task<(string, ChatState)> LocationAsync(
        Caller caller,
        ChatState state,
        InboundMessage msg,
        CancellationToken ct
    )
    {
        if (msg.LocationX is not { } lat || msg.LocationY is not { } lng)
            return ("位置没有收到，请再发一次。", state);
        var directory = await intake.PlacesAsync(ct);
        var grid = directory.NearestGrid(lat, lng);
        if (grid is null)
            return ("这个位置不在我们服务的社区范围内。请回复小区名称和楼栋，例如「金龙小区3栋」。", state);
        var compound = directory.CompoundOf(grid);
        var draft = (state.Draft ?? new Draft()) with
        {
            AreaId = grid.Id,
            PlaceName = $"{compound?.Name}（{msg.Label}）",
            PlaceIsHome = false,
            LocationText = Shorten(msg.Label ?? "", 100),
            Latitude = (decimal)Math.Round(lat, 6),
            Longitude = (decimal)Math.Round(lng, 6),
        };
        if (state.Draft is null || draft.Text.Length == 0)
            return (
                $"已收到位置：{msg.Label}（{compound?.Name}）。请描述一下遇到的问题。",
                state with
                {
                    Draft = draft,
                    Awaiting = Awaiting.Describe,
                }
            );
        if (draft.Urgent)
            return await CreateAsync(caller, state with { Draft = draft }, ct);
        return await NextStepAsync(caller, state with { Draft = draft }, ct);
    }

    private readonly record struct Place(long AreaId, string Name, bool IsHome);

    private static bool IsBareBuilding(ExtractedPlace p) =>
        p is { BuildingNumber: not null, BuildingId: null, GridId: null, CompoundId: null };

    /// <summary>
    /// "5号楼" after "世纪山水二期": the building is looked for in the compound or grid the draft already names. Found,
    /// it is the place; in another grid of the same compound, or nowhere, the resident is told and asked.
    /// </summary>
    private async Task<(Place? Place, string? Problem)> BuildingInScopeAsync(
        Draft draft,
        ExtractedPlace extracted,
        CancellationToken ct
    )
    {
        var directory = await intake.PlacesAsync(ct);
        if (
            !IsBareBuilding(extracted)
            || draft.AreaId is not { } current
            || directory.Get(current) is not { Kind: AreaKind.Grid or AreaKind.Compound } scope
        )
            return (null, null);
        var n = extracted.BuildingNumber!.Value;
        var scopeName = scope.Kind == AreaKind.Grid ? scope.Name.Replace("网格", "") : scope.Name;
        if (directory.Building(scope, n) is { } building)
            return (new Place(building.Id, $"{scopeName} {n}栋", false), null);
        var compound = directory.CompoundOf(scope);
        if (compound is not null && directory.Building(compound, n) is { } elsewhere)
        {
            var grid = elsewhere.PathIds.Select(directory.Get).FirstOrDefault(a => a?.Kind == AreaKind.Grid);
            var there = grid?.Name.Replace("网格", "") ?? compound.Name;
            return (null, $"{scopeName}没有{n}栋，{n}栋在{there}。请回复「{there}{n}栋」确认，或告诉我们正确的楼栋。");
        }
        return (null, $"{scopeName}没有{n}栋，请核对楼栋号后再回复，例如「{scopeName}3栋」。");
    }

    private static Draft ApplyPlace(Draft d, Place p) =>
        d with
        {
            AreaId = p.AreaId,
            PlaceName = p.Name,
            PlaceIsHome = p.IsHome,
        };

    private async Task<Place?> PlaceFromTextAsync(Caller caller, string text, CancellationToken ct)
    {
        var extracted = PlaceExtractor.Extract(text, await intake.PlacesAsync(ct));
        return extracted.IsEmpty ? null : await ResolvePlaceAsync(caller, extracted, ct);
    }

    /// <summary>
    /// A named building or compound wins; "楼下", "我家" or a bare building number mean the registered home.
    /// </summary>
    private async Task<Place?> ResolvePlaceAsync(Caller caller, ExtractedPlace place, CancellationToken ct)
    {
        var directory = await intake.PlacesAsync(ct);
        string Extra(ExtractedPlace p) => (p.Unit is { } u ? $" {u}单元" : "") + (p.Room is { } r ? $" {r}室" : "");
        if (place.BuildingId is { } b)
            return new Place(
                b,
                $"{place.CompoundName} "
                    + (place.BuildingNumber is { } bn ? $"{bn}栋" : $"{place.BuildingLetter}座")
                    + Extra(place),
                false
            );
        if (place.GridId is { } g)
            return new Place(g, directory.Get(g)!.Name.Replace("网格", ""), false);
        if (place.CompoundId is { } c)
            return new Place(c, place.CompoundName!, false);
        if (caller.HomeBuildingId is { } home && directory.Get(home) is { } homeArea)
        {
            var compound = directory.CompoundOf(homeArea);
            if (place.BuildingNumber is { } n && compound is not null && directory.Building(compound, n) is { } other)
                return new Place(other.Id, $"{compound.Name} {n}栋{Extra(place)}", false);
            return new Place(home, $"{compound?.Name} {homeArea.Name}{Extra(place)}", true);
        }
        return null;
    }

    private async Task<Category?> PickCategoryAsync(string text, CancellationToken ct)
    {
        var list = await categories.ListActiveAsync(ct);
        if (int.TryParse(text, out var n) && n >= 1 && n <= list.Count)
            return list[n - 1];
        return list.FirstOrDefault(c => text.Contains(c.Name, StringComparison.Ordinal));
    }

    private async Task<Category?> HazardCategoryAsync(UrgencyResult urgency, CancellationToken ct)
    {
        var code = urgency.Hazards.FirstOrDefault() switch
        {
            "injury" => "medical",
            "violence" => "security",
            _ => "facility",
        };
        return (await categories.ListActiveAsync(ct)).FirstOrDefault(c => c.Code == code);
    }

    // ---- state ----

    private ChatState Read(string? json)
    {
        if (json is null)
            return ChatState.Empty;
        try
        {
            return JsonSerializer.Deserialize<ChatState>(json, Json) ?? ChatState.Empty;
        }
        catch (JsonException ex)
        {
            log.LogWarning("Discarding unreadable conversation state: {Error}", ex.Message);
            return ChatState.Empty;
        }
    }

    private static bool IsEmpty(ChatState state) =>
        state == ChatState.Empty || (state.Draft is null && state.Awaiting is null);

    /// <summary>Keeps the conversation for the next turn, or ends it.</summary>
    private ConversationWrite Write(string openid, long personId, ChatState state, DateTime now) =>
        new(
            openid,
            personId,
            IsEmpty(state) ? null : JsonSerializer.Serialize(state, Json),
            now.AddMinutes(options.ConversationMinutes),
            now
        );

    private static string? CodeIn(string text) =>
        CodePattern().Match(text) is { Success: true } m ? m.Value.ToUpperInvariant() : null;

    private static string Join(string a, string b) =>
        a.Length == 0 ? b
        : b.Length == 0 ? a
        : a + "；" + b;

    private static string Shorten(string s, int max) => Chars.Shorten(s, max);
}
