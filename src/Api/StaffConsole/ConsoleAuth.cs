using System.Security.Claims;
using System.Xml.Linq;
using Governance.Api.Infrastructure;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.StaffConsole;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Api.StaffConsole;

public static class ConsoleErrors
{
    public static readonly ErrorCode SignInFailed = new("console.sign_in_failed", Unauthorized, "用户名或密码错误");
    public static readonly ErrorCode Locked = new(
        "console.account_locked",
        Forbidden,
        "连续输错密码次数过多，账号已暂时锁定"
    );
    public static readonly ErrorCode NotStaff = new(
        "console.not_staff",
        Forbidden,
        "该账号没有工作台权限，请联系街道管理员"
    );
    public static readonly ErrorCode Antiforgery = new(
        "console.antiforgery",
        Validation,
        "页面已过期，请刷新页面后重试"
    );
    public static readonly ErrorCode PasswordWeak = new(
        "console.password_weak",
        Validation,
        "密码至少 8 位，且须同时包含字母和数字",
        "password"
    );

    public static readonly ErrorCode UsernameInvalid = new(
        "console.username_invalid",
        Validation,
        "用户名为 3 到 40 位字母、数字、点、横线或下划线",
        "username"
    );
    public static readonly ErrorCode UsernameTaken = new(
        "console.username_taken",
        Conflict,
        "这个用户名已被别人使用",
        "username"
    );

    public static readonly ErrorCode NoAccount = new(
        "console.no_account",
        NotFound,
        "你还没有工作台账号，请由管理员设置用户名和密码"
    );
    public static readonly ErrorCode CurrentPasswordWrong = new(
        "console.current_password_wrong",
        Validation,
        "当前密码不正确",
        "current"
    );
    public static readonly ErrorCode PasswordUnchanged = new(
        "console.password_unchanged",
        Validation,
        "新密码不能与当前密码相同",
        "password"
    );

    public static readonly ErrorCode[] SignIn = [SignInFailed, Locked, NotStaff];
    public static readonly ErrorCode[] ChangePassword =
    [
        NoAccount,
        Locked,
        CurrentPasswordWrong,
        PasswordUnchanged,
        PasswordWeak,
    ];
    public static readonly ErrorCode[] SetPassword = [PasswordWeak, UsernameInvalid, UsernameTaken];
}

/// <summary>
/// The staff console's sign-in: a cookie issued for a username and password (ASP.NET Core Identity's PBKDF2 hasher,
/// lock-out after five wrong passwords in a row), carrying only the person: roles and scopes are read fresh on every
/// request, as for a token, so the console can do exactly what the API lets that person do. Requests the cookie signs
/// must carry the antiforgery token (X-CSRF-TOKEN) unless they only read.
/// </summary>
public static class ConsoleAuth
{
    public const string Scheme = "Console",
        CookieName = "gov_console",
        HeaderName = "X-CSRF-TOKEN";

    public const int MaxFailures = 5;
    public static readonly TimeSpan LockFor = TimeSpan.FromMinutes(15);

    /// <summary>Who may use the console: staff at any level, and the admins of units and departments.</summary>
    public static bool MayUse(Caller caller) => caller.IsStaff || caller.UnitAdminOf.Count > 0;

    public static AuthenticationBuilder AddStaffConsoleCookie(this AuthenticationBuilder authentication)
    {
        var services = authentication.Services;
        services.AddSingleton<ConsoleSignIn>();
        services.AddSingleton<IXmlRepository, DatabaseKeyRepository>();
        services
            .AddOptions<KeyManagementOptions>()
            .Configure<IXmlRepository>((o, repository) => o.XmlRepository = repository);
        services.AddDataProtection().SetApplicationName("governance");
        services.AddAntiforgery(o =>
        {
            o.HeaderName = HeaderName;
            o.Cookie.Name = "gov_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return authentication.AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events = new CookieAuthenticationEvents
            {
                // The cookie names the person; what they may do is read now (a revoked role ends at once).
                OnValidatePrincipal = async ctx =>
                {
                    var sub = ctx.Principal?.FindFirst("sub")?.Value;
                    var people = ctx.HttpContext.RequestServices.GetRequiredService<PersonStore>();
                    var caller = long.TryParse(sub, out var id)
                        ? await people.LoadCallerAsync(id, ctx.HttpContext.RequestAborted)
                        : null;
                    if (caller is null || !MayUse(caller))
                    {
                        ctx.RejectPrincipal();
                        await ctx.HttpContext.SignOutAsync(Scheme);
                        return;
                    }
                    ctx.HttpContext.Items[typeof(Caller)] = caller;
                },
                // An API answers 401/403 with problem details, never a redirect to a login page.
                OnRedirectToLogin = ctx =>
                {
                    ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                },
                OnRedirectToAccessDenied = ctx =>
                {
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>
    /// A request the console's cookie signed in that changes anything must carry the page's antiforgery token: another
    /// site cannot make a signed-in secretary's browser publish, approve or send.
    /// </summary>
    public static IApplicationBuilder UseConsoleAntiforgery(this IApplicationBuilder app) =>
        app.Use(
            async (http, next) =>
            {
                var method = http.Request.Method;
                if (
                    http.User.Identity is { IsAuthenticated: true, AuthenticationType: Scheme }
                    && !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
                    && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http)
                )
                {
                    await ConsoleErrors.Antiforgery.ToProblem().ExecuteAsync(http);
                    return;
                }
                await next(http);
            }
        );

    public static ClaimsPrincipal PrincipalFor(long personId) =>
        new(new ClaimsIdentity([new Claim("sub", personId.ToString())], Scheme));
}

/// <summary>Checks a username and password against staff_account, counting failures towards the lock-out.</summary>
public sealed class ConsoleSignIn(StaffAccountStore accounts, PersonStore people, TimeProvider clock)
{
    private static readonly PasswordHasher<StaffAccount> Hasher = new();

    // Verified against when the username is unknown, so a wrong name takes as long as a wrong password.
    private static readonly string DecoyHash = Hasher.HashPassword(new StaffAccount(), "decoy-password-0");

    public async Task<Result<Caller>> SignInAsync(string? username, string? password, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var account = string.IsNullOrWhiteSpace(username) ? null : await accounts.FindAsync(username.Trim(), ct);
        if (account is null)
        {
            Hasher.VerifyHashedPassword(new StaffAccount(), DecoyHash, password ?? "");
            return ConsoleErrors.SignInFailed;
        }
        if (account.LockedUntil is { } until && until.Utc() > now)
            return LockedUntil(until);
        var verdict = Hasher.VerifyHashedPassword(account, account.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            var (failed, locked) = await accounts.RecordFailureAsync(
                account.PersonId,
                ConsoleAuth.MaxFailures,
                now + ConsoleAuth.LockFor,
                now,
                ct
            );
            if (locked is { } l && l.Utc() > now)
                return LockedUntil(l);
            return ConsoleErrors.SignInFailed.With(
                $"用户名或密码错误，再输错 {ConsoleAuth.MaxFailures - failed} 次账号将锁定 {ConsoleAuth.LockFor.TotalMinutes:0} 分钟"
            );
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            await accounts.SetAsync(
                account.PersonId,
                account.Username,
                Hasher.HashPassword(account, password!),
                now,
                ct
            );
        var caller = await people.LoadCallerAsync(account.PersonId, ct);
        if (caller is null || !ConsoleAuth.MayUse(caller))
            return ConsoleErrors.NotStaff;
        await accounts.RecordSuccessAsync(account.PersonId, now, ct);
        return caller;
    }

    /// <summary>
    /// The signed-in person changes their own password, giving the current one: a wrong one counts towards the lock-out
    /// as at sign-in, so a browser left signed in cannot be used to guess it.
    /// </summary>
    public async Task<Result<bool>> ChangePasswordAsync(
        long personId,
        string? current,
        string? next,
        CancellationToken ct
    )
    {
        var now = Now;
        var account = await accounts.FindByPersonAsync(personId, ct);
        if (account is null)
            return ConsoleErrors.NoAccount;
        if (account.LockedUntil is { } until && until.Utc() > now)
            return LockedUntil(until);
        var verdict = Hasher.VerifyHashedPassword(account, account.PasswordHash, current ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            var (_, locked) = await accounts.RecordFailureAsync(
                personId,
                ConsoleAuth.MaxFailures,
                now + ConsoleAuth.LockFor,
                now,
                ct
            );
            return locked is { } l && l.Utc() > now ? LockedUntil(l) : ConsoleErrors.CurrentPasswordWrong;
        }
        if (next == current)
            return ConsoleErrors.PasswordUnchanged;
        return await SetPasswordAsync(personId, account.Username, next ?? "", ct);
    }

    /// <summary>Sets (or creates) a person's console account: eight characters or more, letters and digits.</summary>
    public async Task<Result<bool>> SetPasswordAsync(
        long personId,
        string username,
        string password,
        CancellationToken ct
    )
    {
        if (await CheckAsync(personId, username, password, ct) is { } problem)
            return problem;
        var account = new StaffAccount { PersonId = personId, Username = username };
        await accounts.SetAsync(personId, username, Hasher.HashPassword(account, password), Now, ct);
        return true;
    }

    /// <summary>
    /// Whether this username and password could be set for the person (null: yes); <paramref name="personId"/> null
    /// for someone not created yet. The upsert that sets an account would otherwise rename another person's.
    /// </summary>
    public async Task<Error?> CheckAsync(long? personId, string username, string password, CancellationToken ct)
    {
        if (password.Length < 8 || !password.Any(char.IsLetter) || !password.Any(char.IsDigit))
            return ConsoleErrors.PasswordWeak;
        if (
            username.Length is < 3 or > 40
            || !username.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_')
        )
            return ConsoleErrors.UsernameInvalid;
        if (await accounts.FindAsync(username, ct) is { } holder && holder.PersonId != personId)
            return ConsoleErrors.UsernameTaken;
        return null;
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static Error LockedUntil(DateTime until) =>
        ConsoleErrors.Locked.With(
            $"连续输错密码次数过多，账号已锁定至 {Governance.Core.Time.ChinaTime.ToChina(until.Utc()):HH:mm}，请稍后再试"
        );
}

/// <summary>The data-protection key ring in the database (see DataProtectionKeyStore), shared by every node.</summary>
public sealed class DatabaseKeyRepository(DataProtectionKeyStore store, TimeProvider clock) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => store.All().Select(x => XElement.Parse(x)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        store.Store(friendlyName, element.ToString(SaveOptions.DisableFormatting), clock.GetUtcNow().UtcDateTime);
}
