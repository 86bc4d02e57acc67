using System.Data.Common;
using Dapper;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Orders;

namespace Governance.Core.Evidence;

/// <summary>A stored practice photo, with what the host needs to serve it.</summary>
public sealed record EvidencePhotoFile(long Id, string StorageKey, string ContentType, string Sha256);

/// <summary>
/// Photos that come with a practice's progress and evidence (a list claim, an inspection finding). Checked by their
/// bytes and written to disk before the step's transaction; their rows are written inside it, so a step that is
/// refused (wrong state, a race lost) leaves no row, and its files are removed again.
/// </summary>
public sealed class EvidencePhotos(Db db, PhotoStorage storage)
{
    public const string Claim = "claim",
        Finding = "finding",
        Visit = "visit";

    /// <summary>Validates and writes the files; the error when one is not an acceptable image.</summary>
    public async Task<Result<IReadOnlyList<StoredPhoto>>> SaveFilesAsync(
        IReadOnlyList<PhotoUpload> photos,
        DateTime now,
        CancellationToken ct
    )
    {
        if (storage.Validate(photos) is { } error)
            return error;
        var saved = new List<StoredPhoto>();
        foreach (var p in photos)
            saved.Add(await storage.SaveAsync(p, now, ct));
        return saved;
    }

    /// <summary>Removes files whose step did not happen.</summary>
    public void Discard(IReadOnlyList<StoredPhoto> saved)
    {
        foreach (var p in saved)
            storage.Delete(p);
    }

    public static Task AttachAsync(
        DbConnection c,
        DbTransaction tx,
        string subject,
        long subjectId,
        string step,
        IReadOnlyList<StoredPhoto> photos,
        long personId,
        DateTime now,
        CancellationToken ct
    ) =>
        photos.Count == 0
            ? Task.CompletedTask
            : c.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO practice_photo (subject, subject_id, step, storage_key, content_type, byte_size, sha256,
                      uploaded_by, created_at)
                    VALUES (@subject, @subjectId, @step, @StorageKey, @ContentType, @ByteSize, @Sha256, @personId, @now)
                    """,
                    photos.Select(p => new
                    {
                        subject,
                        subjectId,
                        step,
                        p.StorageKey,
                        p.ContentType,
                        p.ByteSize,
                        p.Sha256,
                        personId,
                        now,
                    }),
                    tx,
                    cancellationToken: ct
                )
            );

    public async Task<IReadOnlyList<PhotoRef>> ListAsync(string subject, long subjectId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<PhotoRef>(
                new CommandDefinition(
                    "SELECT id, content_type AS ContentType, byte_size AS ByteSize FROM practice_photo "
                        + "WHERE subject = @subject AND subject_id = @subjectId ORDER BY id",
                    new { subject, subjectId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    public async Task<EvidencePhotoFile?> FileAsync(string subject, long subjectId, long photoId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<EvidencePhotoFile>(
            new CommandDefinition(
                "SELECT id, storage_key AS StorageKey, content_type AS ContentType, sha256 FROM practice_photo "
                    + "WHERE id = @photoId AND subject = @subject AND subject_id = @subjectId",
                new
                {
                    photoId,
                    subject,
                    subjectId,
                },
                cancellationToken: ct
            )
        );
    }
}
