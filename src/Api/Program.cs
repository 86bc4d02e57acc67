using Governance.Api.Areas;
using Governance.Api.Auth;
using Governance.Api.Bench;
using Governance.Api.Broadcasts;
using Governance.Api.Inbox;
using Governance.Api.Categories;
using Governance.Api.Deliveries;
using Governance.Api.Health;
using Governance.Api.Infrastructure;
using Governance.Api.Intake;
using Governance.Api.Members;
using Governance.Api.Orders;
using Governance.Api.Pool;
using Governance.Api.Registrations;
using Governance.Api.Sandbox;
using Governance.Api.Wechat;
using Governance.Wechat;

// Usage: Governance.Api [serve|migrate|seed|generate|intake] [ASP.NET options such as --urls]
var (command, hostArgs) = CommandLine.Split(args);
var builder = WebApplication.CreateBuilder(command is CommandLine.Intake or CommandLine.Generate ? [] : hostArgs);

// Database, stores and domain services (Core); startup self-check of driver and migrations
builder.AddGovernanceCore();
// WeChat: gateway, chat dialog, API client, intake; the simulator in sandbox mode
builder.AddGovernanceWechat();
// Scheduled work: runners always; the clustered Quartz scheduler when this node's roles include "jobs"
builder.AddGovernanceJobs();
// Who is calling: mini-program sign-in (JWT), plus a development scheme in sandbox mode
builder.AddGovernanceAuthentication();
// Per-person limits on writes (reports, urges, claims)
builder.Services.AddGovernanceRateLimits();
// Every error as problem details with a stable code and a Chinese title
builder.Services.AddGovernanceProblems();
// JSON as the mini-program expects it
builder.Services.AddGovernanceJson();
// OpenAPI document at /openapi/v1.json
builder.Services.AddOpenApi();

var app = builder.Build();
if (command != CommandLine.Serve) return await CommandLine.RunAsync(command, app, hostArgs);

app.UseGovernanceProblems();
// One database connection per request, shared by its store calls in turn
app.UseDatabaseScope();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealth();
if (!JobServices.Roles(app.Configuration).Contains("api"))
{
    // A jobs-only node answers health checks and nothing else.
    await app.RunAsync();
    return 0;
}
app.MapOpenApi();
app.MapAuth();
app.MapCategories();
app.MapAreas();
app.MapOrders();
app.MapPool();
app.MapRegistrations();
app.MapMembers();
app.MapBroadcasts();
app.MapDeliveries();
app.MapInbox();
app.MapIntake();
app.MapWechat();
if (app.Services.GetRequiredService<WechatOptions>().IsSandbox) app.MapSandbox();
if (app.Configuration.GetValue<bool>("Bench:Baseline")) app.MapBenchBaseline();

await app.RunAsync();
return 0;

public partial class Program;
