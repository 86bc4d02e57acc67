using Governance.Api.Activities;
using Governance.Api.Areas;
using Governance.Api.Assessment;
using Governance.Api.Auth;
using Governance.Api.Broadcasts;
using Governance.Api.Calendar;
using Governance.Api.Categories;
using Governance.Api.Committee;
using Governance.Api.Deliveries;
using Governance.Api.Health;
using Governance.Api.Households;
using Governance.Api.Inbox;
using Governance.Api.Infrastructure;
using Governance.Api.Inspections;
using Governance.Api.Intake;
using Governance.Api.Jobs;
using Governance.Api.Lists;
using Governance.Api.Meetings;
using Governance.Api.Members;
using Governance.Api.Orders;
using Governance.Api.Registrations;
using Governance.Api.Reports;
using Governance.Api.Sandbox;
using Governance.Api.StaffConsole;
using Governance.Api.Statistics;
using Governance.Api.Wechat;
using Governance.Core;
using Governance.Jobs;
using Governance.Wechat;
using Scalar.AspNetCore;

// Usage: Governance.Api [serve|migrate|seed|intake] [ASP.NET options such as --urls]
var (command, hostArgs) = CommandLine.Split(args);
var builder = WebApplication.CreateBuilder(command is CommandLine.Intake ? [] : hostArgs);

// Domain rules, stores and the database (Core); WeChat (gateway, dialog, client, sender, sandbox simulator);
// scheduled work (Quartz and the outbox dispatcher, on nodes whose roles include "jobs")
builder.Services.AddGovernanceCore();
builder.Services.AddGovernanceWechat();
builder.Services.AddGovernanceJobs(builder.Configuration);

// Refuse to serve on a database that is unreachable or not migrated
builder.Services.AddHostedService<StartupChecks>();

// Who is calling: mini-program sign-in (JWT), plus a development scheme in sandbox mode
builder.AddGovernanceAuthentication();

// Limits on writes, sign-ins and content checks
builder.Services.AddGovernanceRateLimits();

// Every error as problem details with a stable code and a Chinese title
builder.Services.AddGovernanceProblems();

// JSON as the mini-program expects it
builder.Services.AddGovernanceJson();

// Metrics for Prometheus at /metrics (requests, runtime, connection pool, database round trips)
builder.AddGovernanceTelemetry();

// OpenAPI document at /openapi/v1.json, with every error code of every operation
builder.Services.AddOpenApi(o =>
{
    o.AddOperationTransformer<ErrorCodesTransformer>();
    o.AddDocumentTransformer<SecuritySchemes>();
    o.AddOperationTransformer<SecuritySchemes>();
});

var app = builder.Build();
if (command != CommandLine.Serve)
    return await CommandLine.RunAsync(command, app, hostArgs);

app.UseGovernanceProblems();
app.UseGovernanceMetrics();

// One database connection per request, shared by its store calls in turn
app.UseDatabaseScope();
app.UseAuthentication();

// Writes signed by the staff console's cookie carry the page's antiforgery token
app.UseConsoleAntiforgery();
app.UseAuthorization();
app.UseRateLimiter();

// A retried write with the same Idempotency-Key gets the first answer again
app.UseIdempotencyKeys();

app.MapHealth();
if (!NodeRoles.Of(app.Configuration).Api)
{
    // A jobs-only node answers health checks and nothing else.
    await app.RunAsync();
    return 0;
}
app.MapOpenApi();

// The API reference for mini-program developers (Scalar, served from this host) and the staff console's pages
// (nothing from a CDN: Scalar's script is served by the package, and its web fonts and telemetry are off)
app.MapScalarApiReference("/docs", o =>
{
    o.WithTitle("社区治理 API").WithOpenApiRoutePattern("/openapi/{documentName}.json");
    o.DefaultFonts = false;
    o.Telemetry = false;
    o.Agent = new ScalarAgentOptions { Disabled = true };
});
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGet("/", () => Results.Redirect("/console/")).ExcludeFromDescription();
var api = app.MapGroup("").WithStandardProblems();
api.MapAuth();
api.MapConsoleAuth();
api.MapCalendar();
api.MapJobs();
api.MapDesk();
api.MapStaffAdmin();
api.MapCategories();
api.MapAreas();
api.MapOrders();
api.MapSummons();
api.MapRegistrations();
api.MapMembers();
api.MapBroadcasts();
api.MapDeliveries();
api.MapNotificationTemplates();
api.MapInbox();
api.MapIntake();
api.MapLists();
api.MapMeetings();
api.MapLedgerExports();
api.MapCommittee();
api.MapUnitReports();
api.MapInspections();
api.MapActivities();
api.MapHouseholds();
api.MapStatistics();
api.MapAssessment();
app.MapWechat();
if (app.Services.GetRequiredService<WechatOptions>().IsSandbox)
    app.MapSandbox();

await app.RunAsync();
return 0;

public partial class Program;
