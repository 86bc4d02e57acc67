using System.IO.Compression;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Governance.Tests.Console;

/// <summary>
/// The staff console in Debian's Chromium against the real server and database: what a secretary, a street admin and
/// a grid worker do at a desk, asserted on what they see and on the rows, notices and messages it leaves. Any
/// JavaScript error or failed script on a page fails the test; every test saves screenshots.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ConsoleBrowserTests(TestApp app, ConsoleServer server) : DbTest(app), IClassFixture<ConsoleServer>
{
    private readonly List<string> _errors = [];
    private readonly List<string> _responses = [];
    private IBrowserContext? _context;

    public const string Password = "demo2026";

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await server.EnsureStartedAsync(App.Wechat.BaseAddress);
    }

    public override async Task DisposeAsync()
    {
        if (_context is not null)
            await _context.CloseAsync();
        await base.DisposeAsync();
    }

    /// <summary>A fresh browser (no cookies) at a desktop's 1280×800 or a tablet's 768×1024.</summary>
    private async Task<IPage> OpenAsync(bool tablet = false)
    {
        if (_context is not null)
            await _context.CloseAsync();
        _context = await server.Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                BaseURL = server.BaseAddress,
                ViewportSize = tablet
                    ? new ViewportSize { Width = 768, Height = 1024 }
                    : new ViewportSize { Width = 1280, Height = 800 },
                Locale = "zh-CN",
                TimezoneId = "Asia/Shanghai",
                AcceptDownloads = true,
            }
        );
        // Nothing may leave the machine: a request to any other host is refused and fails the test (no CDN, no fonts,
        // no telemetry).
        await _context.RouteAsync("**/*", async route =>
        {
            var host = new Uri(route.Request.Url).Host;
            if (host is "127.0.0.1" or "localhost")
                await route.ContinueAsync();
            else
            {
                _errors.Add("request off the machine: " + route.Request.Url);
                await route.AbortAsync();
            }
        });
        var page = await _context.NewPageAsync();
        page.PageError += (_, e) => _errors.Add("page error: " + e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
                _errors.Add("console error: " + m.Text);
        };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
                _responses.Add($"{r.Status} {r.Request.Method} {r.Url}");
        };
        page.RequestFailed += (_, r) =>
        {
            if (r.Url.EndsWith(".js", StringComparison.Ordinal) || r.Url.EndsWith(".css", StringComparison.Ordinal))
                _errors.Add("failed to load " + r.Url);
        };
        return page;
    }

    private async Task SignInAsync(IPage page, string username)
    {
        await page.GotoAsync("/");
        await page.Locator("#username").FillAsync(username);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#signin-button").ClickAsync();
        await Assertions.Expect(page.Locator("#who")).Not.ToBeEmptyAsync();
    }

    /// <summary>
    /// Goes to a console route and waits until that page is drawn (the page marks #view with its route): a form
    /// filled before that could belong to the page being left.
    /// </summary>
    private static async Task GoAsync(IPage page, string route)
    {
        // Going to the address the page is already at changes nothing: reload it instead, to draw it afresh.
        if (page.Url.EndsWith("/console/" + route, StringComparison.Ordinal))
            await page.ReloadAsync();
        else
            await page.GotoAsync("/console/" + route);
        await Assertions.Expect(page.Locator("#view")).ToHaveAttributeAsync("data-route", route);
    }

    private async Task ShotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(
            new PageScreenshotOptions { Path = Path.Combine(ConsoleServer.Screenshots, name + ".png") }
        );
    }

    /// <summary>Ends every test: no page threw, logged an error or failed to load a script.</summary>
    private void AssertNoPageErrors()
    {
        var unexpected = _errors.Where(e => !e.Contains("status of 4", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    [Fact]
    public async Task ASecretarySignsInTriagesAnOrderAndTheResidentSeesIt()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync(categoryId: 1, description: "3栋门口垃圾堆了三天没人清");
        var page = await OpenAsync();

        // A wrong password is refused in Chinese, with what is left before the lock-out.
        await page.GotoAsync("/");
        await page.Locator("#username").FillAsync("sec11");
        await page.Locator("#password").FillAsync("wrong-password-1");
        await page.Locator("#signin-button").ClickAsync();
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("用户名或密码错误");
        await SignInAsync(page, "sec11");
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("孙丽华");
        await ShotAsync(page, "dashboard");

        await GoAsync(page, "#/orders");
        await Assertions.Expect(page.Locator("#order-table")).ToContainTextAsync(code);
        await ShotAsync(page, "orders");
        await page.GetByRole(AriaRole.Link, new() { Name = code }).ClickAsync();
        await page.Locator("#accept").ClickAsync();
        await Assertions.Expect(page.Locator("#publish")).ToBeVisibleAsync();
        await page.Locator("#publish").ClickAsync();
        await Assertions.Expect(page.Locator(".timeline")).ToContainTextAsync("发布到认领池");
        await ShotAsync(page, "order");

        // The resident's own view says so, under the secretary's name.
        var mine = await App.ClientFor(1001).GetAsync($"/api/orders/{code}").OkAsync();
        Assert.Equal("published", mine.GetProperty("status").GetString());
        var actors = mine.GetProperty("timeline")
            .EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() is "accepted" or "published")
            .Select(e => e.GetProperty("actor").GetString())
            .ToList();
        Assert.Equal(["社区书记 孙丽华", "社区书记 孙丽华"], actors);
        Assert.Equal(
            2,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM order_event e JOIN service_order o ON o.id = e.order_id WHERE o.code = @code "
                    + "AND e.actor_id = 9011 AND e.kind IN ('accepted','published')",
                new { code }
            )
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ASecretarySignsInByScanningTheWechatQrCodeAndAnUnboundWechatIsToldWhy()
    {
        var page = await OpenAsync();
        await page.GotoAsync("/");
        // WeChat's QR page (the simulator's): 孙丽华's phone scans it and she confirms.
        await page.Locator("#wechat-signin").ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("请使用微信扫描二维码登录");
        await ShotAsync(page, "wechat-qr");
        await page.Locator("#sim-unionid").FillAsync("oUnionDemo_sec11");
        await page.Locator("#sim-confirm").ClickAsync();
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("孙丽华");
        await Assertions.Expect(page.Locator("#view")).ToHaveAttributeAsync("data-route", "#/dashboard");
        Assert.DoesNotContain("wechat=", page.Url);

        await GoAsync(page, "#/account");
        await Assertions.Expect(page.Locator("#wechat-state")).ToContainTextAsync("已绑定微信");
        await page.Locator("#signout").ClickAsync();

        // A WeChat bound to no account: back on the sign-in form, with what to do about it.
        await page.Locator("#wechat-signin").ClickAsync();
        await page.Locator("#sim-unionid").FillAsync("oUnion_not_bound_to_anyone");
        await page.Locator("#sim-confirm").ClickAsync();
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("这个微信还没有绑定工作台账号");
        await Assertions.Expect(page.Locator("#shell")).ToBeHiddenAsync();
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheDeskEntersAnOrderForAResidentWhoPhonedAndTheResidentOwnsIt()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        async Task<string> EnterAsync(string phone, string? name, string channel, string description)
        {
            await GoAsync(page, "#/entry");
            await page.Locator("#entry input[name=phone]").FillAsync(phone);
            await page.Locator("#entry input[name=phone]").DispatchEventAsync("change");
            if (name is not null)
                await page.Locator("#entry input[name=name]").FillAsync(name);
            await page.Locator("#entry select[name=channel]").SelectOptionAsync(channel);
            await page.Locator("#entry select[name=categoryId]").SelectOptionAsync("1");
            await page.Locator("#entry select[name=place]").SelectOptionAsync("a111");
            await page.Locator("#entry input[name=locationText]").FillAsync("5栋东侧");
            await page.Locator("#entry textarea[name=description]").FillAsync(description);
            await page.Locator("#entry button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator(".timeline")).ToContainTextAsync("代录");
            return (await page.Locator("#view h2").InnerTextAsync()).Split(' ')[0].Trim();
        }

        var first = await EnterAsync("13912345678", "王秀兰", "phone", "5栋东侧下水道堵了，污水漫到路面");
        await ShotAsync(page, "entry");
        // The second call from the same number is recognised: the desk sees the name, no second person is made.
        await GoAsync(page, "#/entry");
        await page.Locator("#entry input[name=phone]").FillAsync("13912345678");
        await page.Locator("#entry input[name=phone]").DispatchEventAsync("change");
        await Assertions.Expect(page.Locator("#resident-found")).ToContainTextAsync("王秀兰");
        var second = await EnterAsync("13912345678", null, "walk_in", "5栋东侧路灯不亮");

        var people = await TestDatabase.QueryAsync<long>("SELECT id FROM person WHERE phone = '13912345678'");
        var resident = Assert.Single(people);
        var orders = await TestDatabase.QueryAsync<(string Code, string Source, long Resident, long CreatedBy)>(
            "SELECT code, source, resident_id, created_by FROM service_order WHERE code IN @codes ORDER BY code",
            new { codes = new[] { first, second } }
        );
        Assert.Equal(2, orders.Count);
        Assert.All(orders, o => Assert.Equal(("staff", resident, 9011L), (o.Source, o.Resident, o.CreatedBy)));
        var notes = await TestDatabase.QueryAsync<string>(
            "SELECT e.note FROM order_event e JOIN service_order o ON o.id = e.order_id "
                + "WHERE o.code IN @codes AND e.kind = 'created' AND e.actor_id = 9011 ORDER BY o.code",
            new { codes = new[] { first, second } }
        );
        Assert.Equal(["代录：王秀兰（139****5678）电话反映", "代录：王秀兰（139****5678）来访反映"], notes);
        // The order is the resident's own: they see it in the mini-program once signed in.
        var theirs = await server.ClientFor(resident).GetAsync($"/api/orders/{first}");
        Assert.True(theirs.IsSuccessStatusCode, await theirs.Content.ReadAsStringAsync());
        // A wrong number is refused in Chinese and nobody is created.
        await GoAsync(page, "#/entry");
        await page.Locator("#entry input[name=phone]").FillAsync("12345");
        await page.Locator("#entry input[name=name]").FillAsync("某某");
        await page.Locator("#entry textarea[name=description]").FillAsync("测试");
        await page.Locator("#entry button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("11位手机号");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheDeskKeepsItsCommonWordsSavedFiltersAndAShortlist()
    {
        var mine = await App.ClientFor(1001).ReportCodeAsync(categoryId: 1, description: "垃圾桶三天没清");
        var other = await App.ClientFor(1001).ReportCodeAsync(categoryId: 2, description: "楼道灯不亮");
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");

        // A 常用语 of 城东社区 for rejecting sanitation reports is offered on such an order, and only in its community.
        await GoAsync(page, "#/phrases");
        await page.Locator("#add-phrase select[name=purpose]").SelectOptionAsync("reject");
        await page.Locator("#add-phrase select[name=categoryId]").SelectOptionAsync("1");
        await page.Locator("#add-phrase select[name=status]").SelectOptionAsync("submitted");
        await page.Locator("#add-phrase input[name=text]").FillAsync("垃圾清运由环卫所负责，已转环卫所并告知居民");
        await page.Locator("#add-phrase button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#phrases")).ToContainTextAsync("已转环卫所");
        await ShotAsync(page, "phrases");
        await GoAsync(page, $"#/orders/{mine}");
        await Assertions.Expect(page.Locator("#phrases-reject option[value*='环卫所']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#phrases-reject option")).Not.ToHaveCountAsync(1); // and everyone's
        var elsewhere = await App.ClientFor(9012)
            .GetAsync("/api/reply-templates?purpose=reject&categoryId=1&status=submitted")
            .OkAsync();
        Assert.DoesNotContain(
            "垃圾清运由环卫所负责，已转环卫所并告知居民",
            elsewhere.EnumerateArray().Select(t => t.GetProperty("text").GetString())
        );

        // The shortlist: one order starred, and the board's 我的关注 shows just that one.
        await page.Locator("#star").ClickAsync();
        await Assertions.Expect(page.Locator("#star")).ToHaveTextAsync("★ 已关注");
        await GoAsync(page, "#/orders");
        await page.Locator("#order-filters input[name=shortlist]").CheckAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync("我关注的");
        await page.Locator("#save-filter").ClickAsync();
        await Assertions.Expect(page.Locator("#saved-filters")).ToContainTextAsync("我关注的");
        await page.Locator("#order-filters button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#order-table")).ToContainTextAsync(mine);
        await Assertions.Expect(page.Locator("#order-table")).Not.ToContainTextAsync(other);
        // The saved filter brings the same list back from anywhere.
        await GoAsync(page, "#/dashboard");
        await GoAsync(page, "#/orders");
        await page.Locator("#saved-filters a", new() { HasText = "我关注的" }).ClickAsync();
        await Assertions.Expect(page.Locator("#order-table")).Not.ToContainTextAsync(other);
        await Assertions.Expect(page.Locator("#order-table")).ToContainTextAsync(mine);
        await ShotAsync(page, "saved-filter");
        Assert.Equal(
            ("我关注的", 1),
            (
                await TestDatabase.ScalarAsync<string>("SELECT name FROM saved_filter WHERE person_id = 9011"),
                await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM order_shortlist WHERE person_id = 9011")
            )
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task BulkRejectionIsRefusedPerOrderAndBulkAcceptTakesEverySelectedNewOrder()
    {
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
            codes.Add(await App.ClientFor(1001).ReportCodeAsync());
        var page = await OpenAsync(tablet: true);
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/orders/list/submitted");
        await Assertions.Expect(page.Locator("#order-table")).ToContainTextAsync(codes[^1]);
        foreach (var code in codes)
            await page.GetByLabel("选择 " + code).CheckAsync();
        await page.Locator("#bulk-accept").ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("已受理 3 件");
        await ShotAsync(page, "orders-tablet");
        Assert.Equal(
            3,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM service_order WHERE code IN @codes AND status = 'accepted'",
                new { codes }
            )
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ABroadcastSentFromThePageReachesEveryRecipientInTheSimulator()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/broadcasts");
        await page.Locator("#compose input[name=title]").FillAsync("周六社区大扫除");
        await page.Locator("#compose textarea[name=body]")
            .FillAsync("本周六上午九点，请在职党员到社区广场集合参加大扫除。");
        await page.Locator("#area-tree input[value='11']").CheckAsync();
        await page.Locator("#compose select[name=audience]").SelectOptionAsync("both");
        await page.Locator("#compose button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#preview")).ToContainTextAsync("将发给");
        await ShotAsync(page, "broadcast-preview");
        var id = await TestDatabase.ScalarAsync<long>("SELECT MAX(id) FROM broadcast");
        await page.Locator("#send-now").ClickAsync();

        // The page follows the delivery until every row is settled.
        var total = 0;
        await Assertions.Expect(page.Locator("#delivery")).ToBeVisibleAsync();
        for (var i = 0; i < 120; i++)
        {
            var (all, settled) = await TestDatabase
                .QueryAsync<(int, int)>(
                    "SELECT COUNT(*), COALESCE(SUM(status IN ('sent','dead')), 0) FROM delivery "
                        + "WHERE broadcast_id = @id",
                    new { id }
                )
                .ContinueWith(t => t.Result.Single());
            total = all;
            if (all > 0 && all == settled)
                break;
            await Task.Delay(500);
        }
        Assert.True(total > 0, "no delivery rows:\n" + server.Log);
        await Assertions
            .Expect(page.Locator("#delivered"))
            .ToHaveTextAsync(total.ToString(), new() { Timeout = 15_000 });
        await ShotAsync(page, "broadcast-progress");
        // Every row was sent, and what went through WeChat arrived at the simulator, one message per row.
        var rows = await TestDatabase.QueryAsync<(string Channel, string Status, long Person)>(
            "SELECT channel, status, person_id FROM delivery WHERE broadcast_id = @id",
            new { id }
        );
        Assert.All(rows, r => Assert.Equal("sent", r.Status));
        var viaWechat = rows.Count(r => r.Channel is "template" or "subscribe");
        Assert.True(viaWechat > 0, "nobody was reached through WeChat");
        Assert.Equal(
            viaWechat,
            App.Wechat.Sent()
                .Count(m =>
                    m.Api is "template" or "subscribe"
                    && m.Body.ToJsonString(Relaxed).Contains("大扫除", StringComparison.Ordinal)
                )
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ABroadcastToANamedListReachesOnlyThosePeople()
    {
        var phones = await TestDatabase.QueryAsync<string>(
            "SELECT phone FROM person WHERE id IN (1001, 1002) ORDER BY id"
        );
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/broadcasts");
        // The tree opens to the compounds below the community.
        await page.Locator("#area-tree li[data-id='11'] > button.twisty").ClickAsync();
        await Assertions.Expect(page.Locator("#area-tree li[data-id='111']")).ToBeVisibleAsync();
        await page.Locator("#area-tree input[value='11']").CheckAsync();
        await page.Locator("#compose input[name=title]").FillAsync("楼栋长会议通知");
        await page.Locator("#compose textarea[name=body]").FillAsync("请各位楼栋长周五下午三点到社区开会。");
        await page.Locator("#compose select[name=audience]").SelectOptionAsync("list");
        // A phone nobody has is named and nothing is saved.
        await page.Locator("#compose textarea[name=phones]").FillAsync(string.Join("\n", phones) + "\n13900000000");
        await page.Locator("#compose button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#people-found")).ToContainTextAsync("没有找到：13900000000");
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM broadcast WHERE title = '楼栋长会议通知'"));

        await page.Locator("#compose textarea[name=phones]").FillAsync(string.Join("\n", phones));
        await page.Locator("#compose button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#preview")).ToContainTextAsync("将发给");
        var id = await TestDatabase.ScalarAsync<long>("SELECT id FROM broadcast WHERE title = '楼栋长会议通知'");
        await page.Locator("#send-now").ClickAsync();
        await Assertions.Expect(page.Locator("#delivered")).ToHaveTextAsync("2", new() { Timeout = 30_000 });
        Assert.Equal(
            [1001L, 1002L],
            await TestDatabase.QueryAsync<long>(
                "SELECT DISTINCT person_id FROM delivery WHERE broadcast_id = @id ORDER BY person_id",
                new { id }
            )
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ASecretaryListsANeedAndClosesOutTheUnitsClaimFromThePage()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/lists/11/need");
        await page.Locator("#add-item input[name=title]").FillAsync("独居老人上门理发");
        await page.Locator("#add-item input[name=description]").FillAsync("走访发现12位独居老人行动不便");
        await page.Locator("#add-item button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#items")).ToContainTextAsync("独居老人上门理发");
        var item = await TestDatabase.ScalarAsync<long>(
            "SELECT id FROM list_item WHERE title = '独居老人上门理发' AND community_id = 11 AND source = 'visit'"
        );

        // 县医院 claims it and hands in the result from the mini-program; the secretary closes it out (销号) here.
        var hospital = server.ClientFor(3001);
        var claim = await (await hospital.PostAsJsonAsync($"/api/lists/{item}/claim", new { unitId = 1 })).BodyAsync();
        var claimId = claim.GetProperty("claim").GetProperty("id").GetInt64();
        (
            await hospital.PostAsJsonAsync($"/api/claims/{claimId}/submit", new { note = "已为12位老人上门理发" })
        ).EnsureSuccessStatusCode();
        await GoAsync(page, "#/lists/11/project");
        await Assertions.Expect(page.Locator("#claims")).ToContainTextAsync("已为12位老人上门理发");
        await ShotAsync(page, "lists");
        await page.Locator("#claims tr", new() { HasText = "独居老人上门理发" })
            .GetByRole(AriaRole.Button, new() { Name = "销号" })
            .ClickAsync();
        await Assertions.Expect(page.Locator("#claims")).ToContainTextAsync("没有待销号的认领");
        Assert.Equal(
            ("done", 9011L),
            (
                await TestDatabase.QueryAsync<(string, long)>(
                    "SELECT status, decided_by FROM list_claim WHERE id = @claimId",
                    new { claimId }
                )
            ).Single()
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ASecretaryApprovesARegistrationAndTheMemberHearsOfIt()
    {
        var (member, login) = await App.SignInAsync();
        var personId = login.GetProperty("me").GetProperty("id").GetInt64();
        await member.PatchAsJsonAsync("/api/me", new { name = "林志远" }).OkAsync();
        var reg = await (
            await member.PostAsJsonAsync(
                "/api/registrations",
                new
                {
                    communityId = 11,
                    kind = "residence",
                    skills = new[] { "水电维修" },
                    unitId = 1,
                }
            )
        ).BodyAsync();
        var id = reg.GetProperty("id").GetInt64();

        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/approvals");
        var row = page.Locator("tr", new() { HasText = "林志远" });
        await Assertions.Expect(row).ToBeVisibleAsync();
        await ShotAsync(page, "approvals");
        await row.GetByRole(AriaRole.Button, new() { Name = "通过", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("tr", new() { HasText = "林志远" })).ToHaveCountAsync(0);

        Assert.Equal(
            "approved",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM registration WHERE id = @id", new { id })
        );
        Assert.Contains("registration_approved", await MiniProgramHelpers.NoticesAsync(personId));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ASecretaryRunsAMeetingFromThePageWithAnOnTheSpotClaimAndMinutes()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/meetings/11");
        await page.Locator("#schedule-meeting input[name=title]").FillAsync("12月联席会议");
        await page.Locator("#schedule-meeting button[type=submit]").ClickAsync();
        await Assertions
            .Expect(page.Locator("#checkin-code"))
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{6}$"));
        var id = await TestDatabase.ScalarAsync<long>("SELECT MAX(id) FROM meeting");
        await page.Locator("#add-item input[name=title]").FillAsync("小区停车位不足，请驻区单位错时开放停车场");
        await page.Locator("#add-item button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#agenda")).ToContainTextAsync("错时开放停车场");

        // 县医院's admin, at the meeting, checks in with the code on the screen and claims the item from the phone.
        var hospital = server.ClientFor(3001);
        var code = await page.Locator("#checkin-code").InnerTextAsync();
        var checkin = await hospital.PostAsJsonAsync($"/api/meetings/{id}/checkin", new { code });
        if (!checkin.IsSuccessStatusCode) // the code turned over to the next minute between reading and sending
        {
            await page.ReloadAsync();
            code = await page.Locator("#checkin-code").InnerTextAsync();
            checkin = await hospital.PostAsJsonAsync($"/api/meetings/{id}/checkin", new { code });
        }
        Assert.True(checkin.IsSuccessStatusCode, await checkin.Content.ReadAsStringAsync());
        var item = await TestDatabase.ScalarAsync<long>(
            "SELECT id FROM meeting_item WHERE meeting_id = @id",
            new { id }
        );
        (
            await hospital.PostAsJsonAsync($"/api/meetings/{id}/items/{item}/claim", new { unitId = 1 })
        ).EnsureSuccessStatusCode();
        // The secretary's page follows the room: the check-in and the claim appear without a reload.
        await Assertions
            .Expect(page.Locator("#agenda .claimed"))
            .ToContainTextAsync("县医院", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#attendance")).ToContainTextAsync("签到");
        await ShotAsync(page, "meeting");

        await page.Locator("#close-meeting textarea").FillAsync("县医院认领停车场错时开放，两周内落实。");
        await page.Locator("#close-meeting button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("h2")).ToContainTextAsync("已结束");
        Assert.Equal(
            ("closed", "县医院认领停车场错时开放，两周内落实。"),
            (
                await TestDatabase.QueryAsync<(string, string)>(
                    "SELECT status, minutes FROM meeting WHERE id = @id",
                    new { id }
                )
            ).Single()
        );
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM list_claim c JOIN meeting_item i ON i.list_item_id = c.item_id "
                    + "WHERE i.id = @item AND c.unit_id = 1",
                new { item }
            )
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ASecretaryOrganisesAnActivityWatchesCheckInsAndApprovesTheHours()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/activities/11");
        await page.Locator("#new-activity input[name=title]").FillAsync("冬季敬老院探访");
        await page.Locator("#new-activity textarea[name=posts]").FillAsync("陪伴 6 陪护\n节目表演 3 文体");
        await page.Locator("#new-activity button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#posts")).ToContainTextAsync("节目表演");
        var id = await TestDatabase.ScalarAsync<long>(
            "SELECT MAX(id) FROM activity WHERE title = '冬季敬老院探访'"
        );
        var post = await TestDatabase.ScalarAsync<long>(
            "SELECT id FROM activity_post WHERE activity_id = @id AND name = '陪伴'",
            new { id }
        );
        var member = server.ClientFor(2001);
        (await member.PostAsJsonAsync($"/api/activities/{id}/signup", new { postId = post })).EnsureSuccessStatusCode();

        // The morning of the activity, brought forward: it ran from two hours ago until twenty minutes ago.
        await TestDatabase.ExecuteAsync(
            """
            UPDATE activity SET starts_at = UTC_TIMESTAMP(3) - INTERVAL 2 HOUR,
              ends_at = UTC_TIMESTAMP(3) - INTERVAL 20 MINUTE WHERE id = @id
            """,
            new { id }
        );
        foreach (var verb in new[] { "checkin", "checkout" })
        {
            var sent = await member.PostAsJsonAsync($"/api/activities/{id}/{verb}", new { code = await CodeAsync() });
            if (!sent.IsSuccessStatusCode) // the code turned over to the next minute between reading and sending
                sent = await member.PostAsJsonAsync($"/api/activities/{id}/{verb}", new { code = await CodeAsync() });
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        }

        await GoAsync(page, $"#/activities/a/{id}");
        var row = page.Locator("#participants tr[data-person='2001']");
        await Assertions.Expect(row).ToContainTextAsync("已报名");
        await row.Locator("input").FillAsync("150");
        await ShotAsync(page, "activity");
        await page.Locator("#close-activity button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("h2")).ToContainTextAsync("已结束");
        await Assertions.Expect(row).ToContainTextAsync("150");
        Assert.Equal(
            ("approved", 150),
            (
                await TestDatabase.QueryAsync<(string, int)>(
                    "SELECT status, approved_minutes FROM activity_signup WHERE activity_id = @id AND person_id = 2001",
                    new { id }
                )
            ).Single()
        );
        // The hours are a line of the member's service record.
        Assert.Equal(
            150,
            await TestDatabase.ScalarAsync<int>(
                "SELECT minutes FROM service_record WHERE source = 'activity' AND ref_id = @id AND person_id = 2001",
                new { id }
            )
        );
        AssertNoPageErrors();

        async Task<string> CodeAsync() =>
            (await server.ClientFor(9011).GetAsync($"/api/activities/{id}/checkin-code").OkAsync())
                .GetProperty("code")
                .GetString()!;
    }

    [Fact]
    public async Task AGridWorkerLogsAVisitFromTodaysPlanAndItsNeedJoinsTheCommunitysList()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "grid1111");
        await GoAsync(page, "#/visits");
        // A household of the grid is registered: an old woman living alone, to be visited every month.
        var register = page.Locator("#new-household");
        await register.Locator("input[name=room]").FillAsync("2-301");
        await register.Locator("input[name=headName]").FillAsync("王桂芝");
        await register.Locator("input[value=elderly_alone]").CheckAsync();
        await register.Locator("button[type=submit]").ClickAsync();
        var first = page.Locator("#plan tr[data-household]").First;
        await Assertions.Expect(first).ToContainTextAsync("每月必访");
        var household = await TestDatabase.ScalarAsync<long>("SELECT id FROM household WHERE head_name = '王桂芝'");
        Assert.Equal(household.ToString(), await first.GetAttributeAsync("data-household"));
        await Assertions.Expect(page.Locator("#visited")).ToContainTextAsync("0 / 1");
        await ShotAsync(page, "visits");

        await first.Locator("button.log-visit").ClickAsync();
        await page.Locator("#visit-form textarea[name=found]").FillAsync("老人独居，身体尚可，腿脚不便");
        await page.Locator("#visit-form input[name=need]").FillAsync("希望有志愿者每周帮忙买菜");
        await page.Locator("#visit-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#household-visits")).ToContainTextAsync("腿脚不便");
        await Assertions.Expect(page.Locator("#household-visits")).ToContainTextAsync("已列入需求清单");

        var (visitor, need) = (
            await TestDatabase.QueryAsync<(long, string)>(
                "SELECT v.visitor_id, i.title FROM visit v JOIN list_item i ON i.id = v.need_item_id "
                    + "WHERE v.household_id = @household",
                new { household }
            )
        ).Single();
        Assert.Equal((9101, "希望有志愿者每周帮忙买菜"), (visitor, need));
        // The coverage counts it.
        await GoAsync(page, "#/visits");
        await Assertions.Expect(page.Locator("#visited")).ToContainTextAsync("1 / 1");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AStreetAdminAssessesTheCommunitiesWithAnEnteredScoreAndFinalisesTheResults()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "street1");
        await GoAsync(page, "#/assessment");
        await page.Locator("#new-scheme").Locator("..").Locator("summary").ClickAsync();
        await page.Locator("#new-scheme input[name=title]").FillAsync("2026年度社区考核（试）");
        await page.Locator("#new-scheme textarea[name=indicators]").FillAsync("第三方测评,manual,,1,100");
        await page.Locator("#new-scheme button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#indicators")).ToContainTextAsync("第三方测评");
        var id = await TestDatabase.ScalarAsync<long>(
            "SELECT id FROM assessment_scheme WHERE title = '2026年度社区考核（试）'"
        );

        // Computed once, the street's communities are listed; 城东's third-party score is entered with its evidence.
        await page.Locator("#compute").ClickAsync();
        await Assertions.Expect(page.Locator("#results")).ToContainTextAsync("城东社区");
        var entry = page.Locator("#entry-form");
        await entry.Locator("select[name=subjectId]").SelectOptionAsync(new SelectOptionValue { Label = "城东社区" });
        await entry.Locator("input[name=value]").FillAsync("92");
        await entry.Locator("input[name=evidence]").FillAsync("第三方评估报告第3页");
        await entry.Locator("button[type=submit]").ClickAsync();
        var east = page.Locator("#results tr", new() { HasText = "城东社区" });
        await Assertions.Expect(east).ToContainTextAsync("好");
        await Assertions.Expect(east).ToContainTextAsync("第三方评估报告第3页");
        await ShotAsync(page, "assessment");

        page.Dialog += (_, d) => d.AcceptAsync();
        await page.Locator("#finalise").ClickAsync();
        await Assertions.Expect(page.Locator("h2")).ToContainTextAsync("已确定");
        Assert.Equal(
            ("final", 92m, "good"),
            (
                await TestDatabase.QueryAsync<(string, decimal, string)>(
                    "SELECT s.status, r.score, r.tier FROM assessment_scheme s JOIN assessment_result r "
                        + "ON r.scheme_id = s.id WHERE s.id = @id AND r.subject_id = 11",
                    new { id }
                )
            ).Single()
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AFindingIsRecordedRectifiedByTheCommunityAndClosedOutByTheStreet()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "street1");
        await GoAsync(page, "#/inspections");
        await page.Locator("#new-round input[name=title]").FillAsync("四季度人居环境督查");
        await page.Locator("#new-round button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("h2")).ToContainTextAsync("四季度人居环境督查");
        var finding = page.Locator("#new-finding");
        await finding.Locator("select[name=communityId]").SelectOptionAsync(new SelectOptionValue { Label = "城东社区" });
        await finding.Locator("textarea[name=problem]").FillAsync("金龙小区3栋楼道堆放杂物，堵塞消防通道");
        await finding.Locator("input[name=requirement]").FillAsync("一周内清理完毕并建立巡查制度");
        await finding.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#findings")).ToContainTextAsync("堵塞消防通道");
        var id = await TestDatabase.ScalarAsync<long>(
            "SELECT MAX(id) FROM inspection_finding WHERE problem LIKE '%堵塞消防通道%'"
        );

        // 城东's secretary finds it among what her community must rectify, and hands the rectification in.
        page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/inspections");
        await page.Locator("#my-findings").GetByText("堵塞消防通道").ClickAsync();
        await page.Locator("#rectify textarea").FillAsync("已组织物业清理楼道杂物，建立每周巡查台账");
        await page.Locator("#rectify button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("h2")).ToContainTextAsync("待销号");
        await ShotAsync(page, "inspection");

        // The street closes it out.
        page = await OpenAsync();
        await SignInAsync(page, "street1");
        await GoAsync(page, $"#/inspections/f/{id}");
        await page.Locator("#close-out button[data-accept=true]").ClickAsync();
        await Assertions.Expect(page.Locator("h2")).ToContainTextAsync("已销号");
        Assert.Equal(
            ("closed", "已组织物业清理楼道杂物，建立每周巡查台账"),
            (
                await TestDatabase.QueryAsync<(string, string)>(
                    "SELECT status, evidence FROM inspection_finding WHERE id = @id",
                    new { id }
                )
            ).Single()
        );
        await Assertions.Expect(page.Locator("#finding-events")).ToContainTextAsync("孙丽华 提交整改");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheCountySetsACategorysQuestionsAndHazardsAndAMessageTemplateOnThePages()
    {
        try
        {
            var page = await OpenAsync();
            await SignInAsync(page, "county");
            await GoAsync(page, "#/categories");
            await page.Locator("#categories tr[data-id='13'] button.more").ClickAsync();
            var more = page.Locator("#categories tr.more-row[data-for='13']");
            await more.Locator("textarea").FillAsync("age 病人年龄？\nconscious 是否清醒？");
            await more.Locator("input[value=fall]").CheckAsync();
            await page.Locator("#categories tr[data-id='13'] button.save").ClickAsync();
            await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("已保存");
            Assert.Equal(
                ("fall", """[{"key":"age","text":"病人年龄？"},{"key":"conscious","text":"是否清醒？"}]"""),
                (
                    await TestDatabase.QueryAsync<(string, string)>(
                        "SELECT hazards, questions FROM category WHERE id = 13"
                    )
                ).Single()
            );

            await GoAsync(page, "#/templates");
            var broadcastRow = page.Locator("#templates tr[data-kind='broadcast'][data-channel='template']");
            await broadcastRow.Locator("button.edit").ClickAsync();
            await page.Locator("#template-form input[name=templateId]").FillAsync("NOTICE_FROM_CONSOLE");
            await page.Locator("#template-form button[type=submit]").ClickAsync();
            await Assertions.Expect(broadcastRow).ToContainTextAsync("NOTICE_FROM_CONSOLE");
            await ShotAsync(page, "templates");
            Assert.Equal(
                "NOTICE_FROM_CONSOLE",
                await TestDatabase.ScalarAsync<string>(
                    "SELECT template_id FROM notification_template WHERE kind = 'broadcast' AND channel = 'template'"
                )
            );
            AssertNoPageErrors();
        }
        finally
        {
            await TestDatabase.ExecuteAsync(
                "UPDATE category SET hazards = '', questions = NULL WHERE id = 13; "
                    + "UPDATE notification_template SET template_id = 'TPL_OA_NOTICE' "
                    + "WHERE kind = 'broadcast' AND channel = 'template'"
            );
            App.Service<Governance.Core.Categories.CategoryStore>().Forget();
        }
    }

    [Fact]
    public async Task ADepartmentAnswersItsSummonsAndFilesAMonthlyReportThatTheCommunityAccepts()
    {
        // 县交通局's admin gets a console account of his own for the test.
        Assert.True(
            (
                await App.Service<Governance.Api.StaffConsole.ConsoleSignIn>()
                    .SetPasswordAsync(3003, "traffic3003", Password + "x", default)
            ).IsOk
        );
        try
        {
            var code = await App.ClientFor(1001).ReportCodeAsync(categoryId: 3, description: "小区门口长期乱停车堵路");
            (
                await server.ClientFor(9001).PostAsJsonAsync(
                    $"/api/orders/{code}/summons",
                    new { unitId = 3, reason = "乱停车需交警执法" }
                )
            ).EnsureSuccessStatusCode();

            var page = await OpenAsync();
            await page.GotoAsync("/");
            await page.Locator("#username").FillAsync("traffic3003");
            await page.Locator("#password").FillAsync(Password + "x");
            await page.Locator("#signin-button").ClickAsync();
            // A unit admin lands on the unit's page.
            await Assertions.Expect(page.Locator("#view")).ToHaveAttributeAsync("data-route", "#/unit");
            var row = page.Locator("tr", new() { HasText = code });
            await Assertions.Expect(row).ToContainTextAsync("待报到");
            await row.Locator("input[name=answer]").FillAsync("已派执法中队明早现场处理");
            await row.Locator("button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("tr", new() { HasText = code })).ToContainTextAsync("已报到");
            Assert.Equal(
                ("reported", "已派执法中队明早现场处理"),
                (
                    await TestDatabase.QueryAsync<(string, string)>(
                        "SELECT s.status, s.answer FROM order_summons s JOIN service_order o ON o.id = s.order_id "
                            + "WHERE o.code = @code",
                        new { code }
                    )
                ).Single()
            );

            var report = page.Locator("form.report");
            var month = await report.Locator("input[name=month]").InputValueAsync();
            await report.Locator("textarea[name=content]").FillAsync("开展交通安全进社区宣传一次");
            await report.Locator("input[name=people]").FillAsync("6");
            await report.Locator("input[name=hours]").FillAsync("12");
            await report.Locator("button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("已报送");
            await ShotAsync(page, "unit");

            // 华峰社区's secretary accepts it.
            page = await OpenAsync();
            await SignInAsync(page, "sec21");
            await GoAsync(page, $"#/unit-reports/21/{month}");
            var line = page.Locator("#unit-reports tr", new() { HasText = "开展交通安全进社区宣传一次" });
            await line.Locator("button.accept").ClickAsync();
            await Assertions.Expect(page.Locator("#unit-reports tr", new() { HasText = "开展交通安全" }))
                .ToContainTextAsync("已通过");
            Assert.Equal(
                "accepted",
                await TestDatabase.ScalarAsync<string>(
                    "SELECT status FROM unit_report WHERE unit_id = 3 AND community_id = 21 AND month = @month",
                    new { month }
                )
            );
            AssertNoPageErrors();
        }
        finally
        {
            await TestDatabase.ExecuteAsync("DELETE FROM staff_account WHERE person_id = 3003");
        }
    }

    [Fact]
    public async Task TheDeskBooksAUnitsRoomForTheCommunityAndTheUnitConfirmsIt()
    {
        var room = (
            await server
                .ClientFor(3001)
                .PostAsJsonAsync(
                    "/api/communities/11/lists",
                    new
                    {
                        kind = "resource",
                        title = "县医院三楼会议室",
                        unitId = 1,
                        capacity = 30,
                    }
                )
                .OkAsync()
        )
            .GetProperty("id")
            .GetInt64();
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/lists/11/resource");
        await page.Locator("#items tr", new() { HasText = "县医院三楼会议室" }).GetByText("预约").ClickAsync();
        var book = page.Locator("#book");
        await Assertions.Expect(book).ToContainTextAsync("可约");
        await book.Locator("input[name=purpose]").FillAsync("老年人健康讲座");
        await book.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#hours")).ToContainTextAsync("已约");
        Assert.Equal(
            ("requested", "community"),
            (
                await TestDatabase.QueryAsync<(string, string)>(
                    "SELECT status, audience FROM resource_booking WHERE item_id = @room AND purpose = '老年人健康讲座'",
                    new { room }
                )
            ).Single()
        );

        // 县医院's admin confirms it on the unit's page.
        page = await OpenAsync();
        await SignInAsync(page, "unit1");
        var row = page.Locator("table.bookings tr", new() { HasText = "老年人健康讲座" });
        await row.Locator("button.confirm-booking").ClickAsync();
        await Assertions.Expect(page.Locator("table.bookings tr", new() { HasText = "老年人健康讲座" }))
            .ToContainTextAsync("已确认");
        Assert.Equal(
            "confirmed",
            await TestDatabase.ScalarAsync<string>(
                "SELECT status FROM resource_booking WHERE item_id = @room",
                new { room }
            )
        );
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AStreetAdminMovesACompoundToAnotherCommunity()
    {
        var compound = (
            await server.ClientFor(9001).PostAsJsonAsync("/api/areas/11/children", new { name = "划转小区" }).OkAsync()
        )
            .GetProperty("id")
            .GetInt64();
        try
        {
            var page = await OpenAsync();
            await SignInAsync(page, "street1");
            await GoAsync(page, $"#/admin/{compound}");
            await page.Locator("#move-area select").SelectOptionAsync(new SelectOptionValue { Label = "解放街社区" });
            page.Dialog += (_, d) => d.AcceptAsync();
            await page.Locator("#move-area button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("已移动：1 个区域、0 件工单");
            await Assertions.Expect(page.Locator("#view p.muted").First).ToContainTextAsync("解放街社区");
            Assert.Equal(
                (12L, $"/100/1/12/{compound}/"),
                (
                    await TestDatabase.QueryAsync<(long, string)>(
                        "SELECT parent_id, path FROM area WHERE id = @compound",
                        new { compound }
                    )
                ).Single()
            );
            AssertNoPageErrors();
        }
        finally
        {
            await TestDatabase.ExecuteAsync("DELETE FROM area WHERE id = @compound", new { compound });
        }
    }

    [Fact]
    public async Task AStreetAdminAddsAGridAppointsItsGridWorkerAndRevokesTheRole()
    {
        long? gridId = null;
        try
        {
            var page = await OpenAsync();
            await SignInAsync(page, "street1");
            await GoAsync(page, "#/admin/111"); // 金龙小区
            await page.Locator("#add-area input[name=name]").FillAsync("金龙小区第三网格");
            await page.Locator("#add-area button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#children")).ToContainTextAsync("金龙小区第三网格");
            gridId = await TestDatabase.ScalarAsync<long>("SELECT id FROM area WHERE name = '金龙小区第三网格'");
            Assert.Equal(
                ("grid", $"/100/1/11/111/{gridId}/", 4), // county 0, street 1, community 2, compound 3
                (
                    await TestDatabase.QueryAsync<(string, string, int)>(
                        "SELECT kind, path, depth FROM area WHERE id = @gridId",
                        new { gridId }
                    )
                ).Single()
            );
            // A bad boundary is refused; a good one is kept.
            await GoAsync(page, $"#/admin/{gridId}");
            await page.Locator("details summary").ClickAsync();
            await page.Locator("#boundary textarea").FillAsync("{\"type\":\"Point\",\"coordinates\":[107.3,33.1]}");
            await page.Locator("#boundary button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("GeoJSON");
            var square = "[[107.3,33.1],[107.31,33.1],[107.31,33.11],[107.3,33.11],[107.3,33.1]]";
            await page.Locator("#boundary textarea").FillAsync($"{{\"type\":\"Polygon\",\"coordinates\":[{square}]}}");
            await page.Locator("#boundary button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#toast")).ToHaveTextAsync("边界已保存");
            Assert.Contains(
                "Polygon",
                await TestDatabase.ScalarAsync<string>("SELECT boundary FROM area WHERE id = @gridId", new { gridId })
            );
            await GoAsync(page, "#/admin/111");

            // Appoint a grid worker with a console account; they sign in and work their grid.
            await page.Locator("#grant select[name=areaId]").SelectOptionAsync(gridId.Value.ToString());
            await page.Locator("#grant input[name=phone]").FillAsync("13700001113");
            await page.Locator("#grant input[name=name]").FillAsync("李卫东");
            await page.Locator("#grant input[name=username]").FillAsync("grid1113");
            await page.Locator("#grant input[name=password]").FillAsync("Grid2026x");
            await page.Locator("#grant button[type=submit]").ClickAsync();
            await ShotAsync(page, "admin-granted");
            await Assertions.Expect(page.Locator("#toast")).ToHaveTextAsync("已任命");
            await Assertions.Expect(page.Locator("#staff")).ToContainTextAsync("李卫东");
            await ShotAsync(page, "admin");
            var worker = await OpenAsync();
            await worker.GotoAsync("/");
            await worker.Locator("#username").FillAsync("grid1113");
            await worker.Locator("#password").FillAsync("Grid2026x");
            await worker.Locator("#signin-button").ClickAsync();
            await Assertions.Expect(worker.Locator("#who")).ToContainTextAsync("李卫东（网格员）");
            await Assertions.Expect(worker.Locator("#nav")).Not.ToContainTextAsync("区域与人员");

            // Revoked: the role ends at once, and the console no longer lets them in.
            page = await OpenAsync();
            await SignInAsync(page, "street1");
            await GoAsync(page, "#/admin/111");
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
            await page.Locator("#staff tr", new() { HasText = "李卫东" }).GetByRole(AriaRole.Button).ClickAsync();
            await Assertions.Expect(page.Locator("#staff")).Not.ToContainTextAsync("李卫东");
            Assert.Equal(
                0,
                await TestDatabase.ScalarAsync<int>(
                    "SELECT COUNT(*) FROM staff_role WHERE area_id = @gridId",
                    new { gridId }
                )
            );
            // A secretary may not add a community to the street.
            var refused = await App.ClientFor(9011).PostAsJsonAsync("/api/areas/1/children", new { name = "新社区" });
            await refused.ProblemAsync(403, "areas.not_allowed");
            AssertNoPageErrors();
        }
        finally
        {
            if (gridId is { } id)
            {
                await TestDatabase.ExecuteAsync("DELETE FROM staff_role WHERE area_id = @id", new { id });
                await TestDatabase.ExecuteAsync("DELETE FROM area WHERE id = @id", new { id });
            }
        }
    }

    [Fact]
    public async Task TheCountySetsACategorysTimeLimitsAndWhoMayClaimIt()
    {
        var original = (
            await TestDatabase.QueryAsync<(int, int, string, bool, string)>(
                "SELECT ack_hours, resolve_value, resolve_unit, member_claimable, skills FROM category WHERE id = 11"
            )
        ).Single();
        try
        {
            var page = await OpenAsync();
            await SignInAsync(page, "county");
            await GoAsync(page, "#/categories");
            var row = page.Locator("#categories tr[data-id='11']"); // 违章搭建
            await row.Locator("input[name=ack]").FillAsync("8");
            await row.Locator("input[name=resolve]").FillAsync("10");
            await row.Locator("input[name=member]").UncheckAsync();
            await row.Locator("input[name=skills]").FillAsync("执法，测量");
            await row.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
            await Assertions.Expect(page.Locator("#toast")).ToHaveTextAsync("已保存");
            await ShotAsync(page, "categories");
            Assert.Equal(
                (8, 10, "working_days", false, "执法,测量"),
                (
                    await TestDatabase.QueryAsync<(int, int, string, bool, string)>(
                        "SELECT ack_hours, resolve_value, resolve_unit, member_claimable, skills FROM category "
                            + "WHERE id = 11"
                    )
                ).Single()
            );
            // Impossible limits are refused in Chinese; a street admin may not change the county's categories.
            await row.Locator("input[name=resolve]").FillAsync("90");
            await row.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
            await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("时限");
            await (
                await App.ClientFor(9001).PatchAsJsonAsync("/api/categories/11", new { resolveWithin = 5 })
            ).ProblemAsync(403, "categories.not_allowed");
            AssertNoPageErrors();
        }
        finally
        {
            await TestDatabase.ExecuteAsync(
                "UPDATE category SET ack_hours = @Item1, resolve_value = @Item2, resolve_unit = @Item3, "
                    + "member_claimable = @Item4, skills = @Item5 WHERE id = 11",
                new
                {
                    original.Item1,
                    original.Item2,
                    original.Item3,
                    original.Item4,
                    original.Item5,
                }
            );
            App.Service<Governance.Core.Categories.CategoryStore>().Forget(); // the in-process app reads them again
        }
    }

    [Fact]
    public async Task AStreetAdminImportsTheHolidayNoticeAndAnOpenOrdersDeadlineMoves()
    {
        // Reported on Wednesday 18 November 2026 at 10:00: 环境卫生 is due at the end of the third working day after.
        var code = await App.ClientFor(1001).ReportCodeAsync(categoryId: 1);
        var before = await TestDatabase.ScalarAsync<DateTime>(
            "SELECT resolve_due_at FROM service_order WHERE code = @code",
            new { code }
        );
        var original = await TestDatabase.QueryAsync<(DateTime Day, string Kind, string? Name)>(
            "SELECT day, kind, name FROM work_calendar WHERE YEAR(day) = 2026 ORDER BY day"
        );
        try
        {
            var page = await OpenAsync();
            await SignInAsync(page, "street1");
            await GoAsync(page, "#/calendar/2026");
            await Assertions.Expect(page.Locator("#calendar-days")).ToContainTextAsync("2026-10-01");
            var csv = await page.Locator("#import textarea").InputValueAsync();
            // Two days off right after the report (a made-up local notice): the deadline moves two working days on.
            await page.Locator("#import textarea")
                .FillAsync(csv + "\n2026-11-19,holiday,防汛停工\n2026-11-20,休,防汛停工");
            await page.Locator("#import button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#import-result")).ToContainTextAsync(code);
            await Assertions.Expect(page.Locator("#calendar-days")).ToContainTextAsync("防汛停工");
            await ShotAsync(page, "calendar");

            var after = await TestDatabase.ScalarAsync<DateTime>(
                "SELECT resolve_due_at FROM service_order WHERE code = @code",
                new { code }
            );
            Assert.Equal(TimeSpan.FromDays(2), after - before); // Thursday and Friday off: Tuesday becomes Thursday
            var note = await TestDatabase.ScalarAsync<string>(
                "SELECT e.note FROM order_event e JOIN service_order o ON o.id = e.order_id WHERE o.code = @code "
                    + "AND e.kind = 'deadline_recounted' AND e.actor_id = 9001",
                new { code }
            );
            Assert.Contains("工作日历调整", note);

            // A bad line is refused with its number, and nothing changes.
            await page.Locator("#import textarea").FillAsync("2026-13-01,holiday,错误");
            await page.Locator("#import button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("第 1 行");
            Assert.Equal(
                1,
                await TestDatabase.ScalarAsync<int>(
                    "SELECT COUNT(*) FROM work_calendar WHERE name = '防汛停工' AND day = '2026-11-20'"
                )
            );
            AssertNoPageErrors();
        }
        finally
        {
            await TestDatabase.ExecuteAsync("DELETE FROM work_calendar WHERE YEAR(day) = 2026");
            foreach (var d in original)
                await TestDatabase.ExecuteAsync(
                    "INSERT INTO work_calendar (day, kind, name) VALUES (@Day, @Kind, @Name)",
                    new
                    {
                        d.Day,
                        d.Kind,
                        d.Name,
                    }
                );
        }
    }

    [Fact]
    public async Task ALedgerExportedFromThePageOpensAsASpreadsheet()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/statistics");
        // The rankings: the community's members on satisfaction by default; another metric redraws the table.
        await Assertions.Expect(page.Locator("#ranking-table")).ToContainTextAsync("满意率");
        await page.Locator("#ranking select[name=metric]").SelectOptionAsync("response");
        await Assertions.Expect(page.Locator("#ranking-table")).ToContainTextAsync("响应率");
        await Assertions.Expect(page.Locator("#ranking-note")).ToContainTextAsync("样本少于");
        var download = await page.RunAndWaitForDownloadAsync(async () =>
            await page.GetByRole(AriaRole.Link, new() { Name = "认领台账" }).ClickAsync()
        );
        var file = Path.Combine(ConsoleServer.Screenshots, "ledger-" + download.SuggestedFilename);
        await download.SaveAsAsync(file);
        await ShotAsync(page, "statistics");
        // An .xlsx is a zip with a workbook and its first sheet.
        using var zip = ZipFile.OpenRead(file);
        Assert.Contains(zip.Entries, e => e.FullName == "xl/workbook.xml");
        Assert.Contains(zip.Entries, e => e.FullName.StartsWith("xl/worksheets/sheet", StringComparison.Ordinal));
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheMapDrawsTheAreasOutlinesWithItsOrdersAsPointsAndHeat()
    {
        var located = await (
            await App.ClientFor(1001)
                .PostAsJsonAsync(
                    "/api/orders",
                    new
                    {
                        categoryId = 1,
                        description = "3栋旁垃圾满溢",
                        buildingId = 111103,
                        latitude = 33.1521m,
                        longitude = 107.3314m,
                    }
                )
        ).BodyAsync();
        var code = located.GetProperty("code").GetString()!;
        await App.ClientFor(1002).ReportCodeAsync(buildingId: 111208); // no location: not on the map
        var page = await OpenAsync();
        await SignInAsync(page, "sec11");
        await GoAsync(page, "#/map");
        await Assertions.Expect(page.Locator("#map-count")).ToHaveTextAsync("1 件有位置的工单");
        await Assertions.Expect(page.Locator("#map canvas")).ToHaveCountAsync(1);
        await ShotAsync(page, "map");
        await page.Locator("#map-layer").SelectOptionAsync("heat");
        await page.Locator("#map-category").SelectOptionAsync("2");
        await Assertions.Expect(page.Locator("#map-count")).ToHaveTextAsync("0 件有位置的工单");
        await ShotAsync(page, "map-heat");
        // What the page drew from: the community's grids' outlines and the one located order.
        var map = await page.APIRequest.GetAsync("/api/areas/11/map");
        var body = System.Text.Json.JsonDocument.Parse(await map.TextAsync()).RootElement;
        Assert.Contains(
            "金龙小区第一网格",
            body.GetProperty("shapes").EnumerateArray().Select(s => s.GetProperty("name").GetString())
        );
        Assert.Equal(
            [code],
            body.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("code").GetString())
        );
        // Another community's map is not the secretary's to read.
        Assert.Equal(403, (await page.APIRequest.GetAsync("/api/areas/12/map")).Status);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AGridWorkerSeesOnlyTheirGridsOrders()
    {
        var mine = await App.ClientFor(1001).ReportCodeAsync(buildingId: 111103); // 金龙小区第一网格 (1111)
        var other = await App.ClientFor(1002).ReportCodeAsync(buildingId: 111208); // 第二网格 (1112)
        var page = await OpenAsync();
        await SignInAsync(page, "grid1111");
        await GoAsync(page, "#/orders");
        await Assertions.Expect(page.Locator("#order-table")).ToContainTextAsync(mine);
        await Assertions.Expect(page.Locator("#order-table")).Not.ToContainTextAsync(other);
        // Not even by typing its address: the page shows the API's refusal.
        await page.GotoAsync($"/console/#/orders/{other}");
        await Assertions.Expect(page.Locator("#view .error")).ToBeVisibleAsync();
        await ShotAsync(page, "grid-scope");
        // And the jobs page is not in a grid worker's menu, nor open to them.
        await Assertions.Expect(page.Locator("#nav")).Not.ToContainTextAsync("定时任务");
        Assert.Equal(403, (int)(await page.APIRequest.GetAsync("/api/jobs")).Status);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AStreetAdminPausesResumesAndTriggersAJobFromTheJobsPage()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "street1");
        await GoAsync(page, "#/jobs");
        var row = page.Locator("tr[data-job='send-weekly-digest']");
        await row.GetByRole(AriaRole.Button, new() { Name = "暂停" }).ClickAsync();
        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("已暂停");
        Assert.Equal(
            "PAUSED",
            await TestDatabase.ScalarAsync<string>(
                "SELECT TRIGGER_STATE FROM QRTZ_TRIGGERS WHERE TRIGGER_NAME = 'send-weekly-digest'"
            )
        );
        await row.GetByRole(AriaRole.Button, new() { Name = "恢复" }).ClickAsync();
        await Assertions.Expect(row.Locator(".state")).Not.ToHaveTextAsync("已暂停");
        // Trigger now: a running node takes it and job_run records the run.
        await page.Locator("tr[data-job='expire-claims']")
            .GetByRole(AriaRole.Button, new() { Name = "立即执行" })
            .ClickAsync();
        for (var i = 0; i < 60; i++)
        {
            if (
                await TestDatabase.ScalarAsync<int>(
                    "SELECT COUNT(*) FROM job_run WHERE job_name = 'expire-claims' AND outcome = 'ok'"
                ) > 0
            )
                break;
            await Task.Delay(500);
        }
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM job_run WHERE job_name = 'expire-claims' AND outcome = 'ok'"
            )
        );
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("tr[data-job='expire-claims']")).ToContainTextAsync("ok");
        await ShotAsync(page, "jobs");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task EveryPageOfEveryRoleOpensWithoutAScriptErrorOnADesktopAndATablet()
    {
        await App.ClientFor(1001).ReportCodeAsync();
        foreach (var tablet in new[] { false, true })
            foreach (var user in new[] { "county", "street1", "sec11", "grid1111", "unit1" })
            {
                var page = await OpenAsync(tablet);
                await SignInAsync(page, user);
                var links = await page.Locator("#nav a[data-path]")
                    .EvaluateAllAsync<string[]>("links => links.map(a => a.dataset.path)");
                Assert.NotEmpty(links);
                foreach (var path in links)
                {
                    await GoAsync(page, $"#/{path}");
                    await Assertions.Expect(page.Locator("#view h2")).ToBeVisibleAsync();
                    await Assertions.Expect(page.Locator("#view .error")).ToHaveCountAsync(0);
                }
                await ShotAsync(page, $"pages-{user}{(tablet ? "-tablet" : "")}");
            }
        // The API reference is served from this host.
        var docs = await OpenAsync();
        var openApi = await docs.RunAndWaitForResponseAsync(
            async () => await docs.GotoAsync("/docs/"),
            r => r.Url.EndsWith("/openapi/v1.json", StringComparison.Ordinal)
        );
        Assert.Equal(200, openApi.Status);
        var document = await openApi.TextAsync();
        Assert.Contains("\"console-cookie\"", document); // the security schemes are in the document
        Assert.Contains("/api/console/sign-in", document);
        await Assertions.Expect(docs.Locator("body")).ToContainTextAsync("Staff console", new() { Timeout = 20_000 });
        await ShotAsync(docs, "docs");
        AssertNoPageErrors();
    }
}
