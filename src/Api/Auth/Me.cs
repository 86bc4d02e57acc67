using Governance.Core.People;

namespace Governance.Api.Auth;

/// <summary>The signed-in caller, bound as an endpoint parameter on endpoints that require authorization.</summary>
public sealed record Me(Caller Caller)
{
    public static ValueTask<Me?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.Items[typeof(Caller)] is Caller c ? new Me(c) : null);
}
