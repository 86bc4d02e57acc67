using System.Text.Json.Nodes;
using Governance.Core.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Governance.Api.Infrastructure;

/// <summary>
/// The error codes an endpoint can answer, from the Core catalogs; the OpenAPI document is written from them.
/// </summary>
public sealed record ErrorCodesMetadata(IReadOnlyList<ErrorCode> Codes);

public static class ErrorMetadata
{
    /// <summary>Declares the codes (and so the statuses) a use case can answer, taken from its Core catalog.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params IEnumerable<ErrorCode>[] codes)
        where TBuilder : IEndpointConventionBuilder
    {
        var all = codes.SelectMany(c => c).Distinct().ToList();
        builder.WithMetadata(new ErrorCodesMetadata(all));
        return builder;
    }

    /// <summary>
    /// What every endpoint of the group can answer besides its own errors, derived from its metadata: 401 where sign-in
    /// is required, 429 where a rate limit applies, 400/413/415 where a body is read, 503 when the database is down,
    /// 500. Runs last (Finally), so it sees the endpoint's complete metadata.
    /// </summary>
    public static TBuilder WithStandardProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var metadata = endpoint.Metadata;
            var codes = new List<ErrorCode>();
            var signedIn = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
            if (signedIn)
                codes.AddRange([Problems.Http.AuthRequired, Problems.Http.UnknownPerson]);
            var writes = metadata
                .OfType<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()
                .SelectMany(m => m.HttpMethods)
                .Any(m => HttpMethods.IsPost(m) || HttpMethods.IsPatch(m));
            if (signedIn && writes)
            {
                codes.AddRange([IdempotencyKeys.BadKey, IdempotencyKeys.KeyReused, IdempotencyKeys.InProgress]);
                metadata.Add(new IdempotentWriteMetadata());
            }
            if (metadata.OfType<EnableRateLimitingAttribute>().Any())
                codes.Add(Problems.Http.RateLimited);
            if (metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().Any())
                codes.AddRange([
                    Problems.Http.MalformedJson,
                    Problems.Http.BadEncoding,
                    CommonErrors.UnknownField,
                    Problems.Http.BadRequest,
                    Problems.Http.TooLarge,
                    Problems.Http.UnsupportedMediaType,
                ]);
            codes.AddRange([Problems.Http.Unavailable, Problems.Http.ServerError]);
            var declared = metadata.OfType<ErrorCodesMetadata>().SelectMany(m => m.Codes);
            var all = declared.Concat(codes).Distinct().ToList();
            metadata.Add(new ErrorCodesMetadata(all));
            foreach (var status in all.Select(Problems.StatusOf).Distinct())
                metadata.Add(
                    new ProducesResponseTypeMetadata(
                        status,
                        typeof(Microsoft.AspNetCore.Mvc.ProblemDetails),
                        ["application/problem+json"]
                    )
                );
        });
        return builder;
    }
}

/// <summary>Marks a signed-in write, which takes an Idempotency-Key.</summary>
public sealed class IdempotentWriteMetadata;

/// <summary>
/// Writes, on each operation's error responses, the codes it can answer with their Chinese titles (also as the
/// "x-error-codes" extension, for generators), so a mini-program developer sees every outcome in one place.
/// </summary>
public sealed class ErrorCodesTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken
    )
    {
        var codes = context
            .Description.ActionDescriptor.EndpointMetadata.OfType<ErrorCodesMetadata>()
            .LastOrDefault()
            ?.Codes;
        if (codes is null || operation.Responses is null)
            return Task.CompletedTask;
        foreach (var group in codes.GroupBy(Problems.StatusOf))
        {
            var key = group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var response) || response is not OpenApiResponse r)
                continue;
            r.Description = string.Join("; ", group.Select(c => $"{c.Code} {c.Title}"));
        }
        var list = new JsonArray(
            codes
                .Select(c =>
                    (JsonNode)
                        new JsonObject
                        {
                            ["status"] = Problems.StatusOf(c),
                            ["code"] = c.Code,
                            ["title"] = c.Title,
                        }
                )
                .ToArray()
        );
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-error-codes"] = new JsonNodeExtension(list);
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IdempotentWriteMetadata>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(
                new OpenApiParameter
                {
                    Name = IdempotencyKeys.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description =
                        "A key the client makes for this action (a UUID); a retry with the same key gets the first "
                        + "answer again, with Idempotent-Replayed: true",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 64 },
                }
            );
        }
        return Task.CompletedTask;
    }
}
