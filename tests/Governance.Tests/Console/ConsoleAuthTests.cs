using System.Net;
using System.Net.Http.Json;
using Governance.Api.StaffConsole;
using Governance.Core.Calendar;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Governance.Tests.Console;

/// <summary>
/// The console's sign-in over HTTP: the password hasher and lock-out, the cookie carrying the same roles and scopes as
/// the API, the antiforgery token on writes, and who may run the calendar and the jobs.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ConsoleAuthTests(TestApp app) : DbTest(app)
{
    private HttpClient Browser() =>
        App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    private static Task<HttpResponseMessage> SignIn(HttpClient c, string username, string password) =>
        c.PostAsJsonAsync("/api/console/sign-in", new { username, password });

    /// <summary>A console account of its own for the lock-out (the demo accounts stay usable elsewhere).</summary>
    private async Task<string> AccountAsync(long personId, string password = "Passw0rd-2026")
    {
        var username = "t" + Guid.NewGuid().ToString("N")[..8];
        var set = await App.Service<ConsoleSignIn>().SetPasswordAsync(personId, username, password, default);
        Assert.True(set.IsOk);
        return username;
    }

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccountForAQuarterOfAnHour()
    {
        var username = await AccountAsync(9012);
        var c = Browser();
        for (var i = 1; i <= 4; i++)
        {
            var problem = await (await SignIn(c, username, "wrong")).ProblemAsync(401, "console.sign_in_failed");
            Assert.Contains($"再输错 {5 - i} 次", problem.GetProperty("title").GetString());
        }
        await (await SignIn(c, username, "wrong")).ProblemAsync(403, "console.account_locked");
        // Locked: even the right password is refused, and the message says until when (10:15 China time).
        var locked = await (await SignIn(c, username, "Passw0rd-2026")).ProblemAsync(403, "console.account_locked");
        Assert.Contains("10:15", locked.GetProperty("title").GetString());
        // An unknown name answers exactly like a wrong password: nothing to learn about which names exist.
        await (await SignIn(c, "nobody-here", "wrong")).ProblemAsync(401, "console.sign_in_failed");

        App.Clock.Advance(TimeSpan.FromMinutes(16));
        (await SignIn(c, username, "Passw0rd-2026")).EnsureSuccessStatusCode();
        Assert.Equal(
            (0, (DateTime?)null),
            (
                await TestDatabase.QueryAsync<(int, DateTime?)>(
                    "SELECT failed_count, locked_until FROM staff_account WHERE username = @username",
                    new { username }
                )
            ).Single()
        );
    }

    [Fact]
    public async Task TheCookieActsAsThePersonWithTheirScopesAndWritesNeedTheAntiforgeryToken()
    {
        var c = Browser();
        await (await c.GetAsync("/api/console/session")).ProblemAsync(401, "auth.required");
        (await SignIn(c, "sec11", ConsoleBrowserTests.Password)).EnsureSuccessStatusCode();
        var session = await c.GetAsync("/api/console/session").OkAsync();
        Assert.Equal(9011, session.GetProperty("me").GetProperty("id").GetInt64());
        var csrf = session.GetProperty("csrf").GetString()!;

        var code = await App.ClientFor(1001).ReportCodeAsync();
        // Without the token a write is refused, and nothing happens.
        await (await c.PostAsync($"/api/orders/{code}/accept", null)).ProblemAsync(400, "console.antiforgery");
        Assert.Equal(
            "submitted",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE code = @code", new { code })
        );
        var accept = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{code}/accept");
        accept.Headers.Add(ConsoleAuth.HeaderName, csrf);
        (await c.SendAsync(accept)).EnsureSuccessStatusCode();
        Assert.Equal(
            9011,
            await TestDatabase.ScalarAsync<long>(
                "SELECT e.actor_id FROM order_event e JOIN service_order o ON o.id = e.order_id "
                    + "WHERE o.code = @code AND e.kind = 'accepted'",
                new { code }
            )
        );
        // The same scopes as the API: another community's order is out of reach.
        var elsewhere = await App.ClientFor(1005).ReportCodeAsync(buildingId: 121105);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/api/orders/{elsewhere}")).StatusCode);
        // Signed out, the cookie is gone.
        var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/console/sign-out");
        signOut.Headers.Add(ConsoleAuth.HeaderName, csrf);
        (await c.SendAsync(signOut)).EnsureSuccessStatusCode();
        await (await c.GetAsync("/api/console/session")).ProblemAsync(401, "auth.required");
    }

    [Fact]
    public async Task OnlyStaffAndUnitAdminsMaySignIn()
    {
        // A resident with an account (made by hand in the database) is refused with a reason.
        await TestDatabase.ExecuteAsync(
            "INSERT INTO staff_account (person_id, username, password_hash, created_at, updated_at) "
                + "SELECT 1001, 'resident1001', password_hash, NOW(), NOW() FROM staff_account WHERE username = 'sec11'"
        );
        try
        {
            await (await SignIn(Browser(), "resident1001", ConsoleBrowserTests.Password)).ProblemAsync(
                403,
                "console.not_staff"
            );
        }
        finally
        {
            await TestDatabase.ExecuteAsync("DELETE FROM staff_account WHERE person_id = 1001");
        }
        var weak = await App.Service<ConsoleSignIn>().SetPasswordAsync(9011, "sec11", "12345678", default);
        Assert.Equal("console.password_weak", weak.Error!.Code);
    }

    [Fact]
    public async Task OnlyStreetAndCountyAdminsRunTheJobsPageAndTheCalendar()
    {
        var secretary = App.ClientFor(9011);
        await (await secretary.GetAsync("/api/jobs")).ProblemAsync(403, "jobs.not_allowed");
        await (await secretary.PostAsync("/api/jobs/send-reminders/pause", null)).ProblemAsync(403, "jobs.not_allowed");
        await (await secretary.PutAsJsonAsync("/api/calendar/2026", new { csv = "2026-11-19,holiday,x" })).ProblemAsync(
            403,
            "calendar.not_allowed"
        );
        var street = App.ClientFor(9001);
        await (await street.PostAsync("/api/jobs/no-such-job/trigger", null)).ProblemAsync(404, "jobs.unknown");
        var jobs = await street.GetAsync("/api/jobs").OkAsync();
        Assert.Contains(
            "0 0 18 ? * FRI",
            jobs.EnumerateArray()
                .Where(j => j.GetProperty("name").GetString() == "send-weekly-digest")
                .Select(j => j.GetProperty("schedule").GetString())
        );
        await (await street.GetAsync("/api/calendar/1999")).ProblemAsync(400, "calendar.year_invalid");
    }

    [Fact]
    public void TheHolidayCsvIsReadLineByLineAndEveryBadLineIsNamed()
    {
        var ok = CalendarAdmin.Parse(
            2027,
            "date,kind,name\n\uFEFF2027-01-01,holiday,元旦\r\n2027-02-07,班,春节调休\n\n2027-02-10,休,春节"
        );
        Assert.True(ok.IsOk);
        Assert.Equal(["holiday", "workday", "holiday"], ok.Value!.Select(d => d.Kind));
        var bad = CalendarAdmin.Parse(
            2027,
            "2027-01-01,holiday,元旦\n2026-12-31,holiday,跨年\n2027-01-02,放假\n2027-01-01,班"
        );
        Assert.False(bad.IsOk);
        Assert.Equal("calendar.csv_invalid", bad.Error!.Code);
        Assert.Contains("第 2 行：2026-12-31 不在 2027 年", bad.Error.Message);
        Assert.Contains("第 3 行：类型应为", bad.Error.Message);
        Assert.Contains("第 4 行：2027-01-01 重复", bad.Error.Message);
    }
}
