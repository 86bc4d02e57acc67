using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Governance.Api.Infrastructure;

/// <summary>
/// The OpenAPI document's security schemes: the mini-program's bearer token (a JWT from /api/auth/login), and the staff
/// console's cookie (from /api/console/sign-in, writes with the X-CSRF-TOKEN header). Every operation that requires
/// sign-in says it accepts either.
/// </summary>
public sealed class SecuritySchemes : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string Bearer = "bearer",
        Cookie = "console-cookie";

    public Task TransformAsync(
        OpenApiDocument document,
        OpenApiDocumentTransformerContext context,
        CancellationToken ct
    )
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description =
                "The mini-program's access token from POST /api/auth/login (30 minutes; refresh with "
                + "/api/auth/refresh).",
        };
        document.Components.SecuritySchemes[Cookie] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = StaffConsole.ConsoleAuth.CookieName,
            Description =
                "The staff console's cookie from POST /api/console/sign-in; writes also carry the "
                + "X-CSRF-TOKEN header from GET /api/console/session.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken ct
    )
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
            return Task.CompletedTask;
        operation.Security ??= [];
        operation.Security.Add(
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] }
        );
        operation.Security.Add(
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Cookie, context.Document)] = [] }
        );
        return Task.CompletedTask;
    }
}
