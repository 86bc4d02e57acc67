using Governance.Core.Errors;
using Governance.Core.Evidence;
using Governance.Core.Orders;

namespace Governance.Api.Infrastructure;

/// <summary>Serves a practice's photo (a claim's, a finding's) as its file, cached privately by its hash.</summary>
public static class EvidenceFiles
{
    public static IResult Serve(Result<EvidencePhotoFile> result, PhotoStorage storage, HttpResponse response)
    {
        if (!result.IsOk)
            return result.Error!.ToProblem();
        var photo = result.Value!;
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(
            storage.OpenRead(photo.StorageKey),
            photo.ContentType,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{photo.Sha256}\"")
        );
    }
}
