using System.Security.Cryptography;
using Governance.Core.Errors;

namespace Governance.Core.Orders;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder for files (photos). ./run.sh points it under the project's .data folder.</summary>
    public string DataRoot { get; set; } = ".data/files";

    [System.ComponentModel.DataAnnotations.Range(1024, 50 * 1024 * 1024)]
    public int MaxPhotoBytes { get; set; } = 10 * 1024 * 1024;

    [System.ComponentModel.DataAnnotations.Range(1, 20)]
    public int MaxPhotosPerUpload { get; set; } = 9;
}

public sealed record PhotoUpload(string FileName, string? DeclaredContentType, byte[] Content);

/// <summary>
/// Photos are validated by their bytes, not by name or declared type, and written under the data
/// folder with a random name. The database keeps only metadata.
/// </summary>
public sealed class PhotoStorage(StorageOptions options)
{
    public string Root => Path.GetFullPath(options.DataRoot);

    public Error? Validate(IReadOnlyList<PhotoUpload> photos)
    {
        if (photos.Count > options.MaxPhotosPerUpload)
            return OrderErrors.PhotoTooMany.With($"每次最多上传{options.MaxPhotosPerUpload}张照片");
        foreach (var photo in photos)
        {
            if (photo.Content.Length == 0)
                return OrderErrors.PhotoEmpty;
            if (photo.Content.Length > options.MaxPhotoBytes)
                return OrderErrors.PhotoTooLarge.With($"单张照片不能超过{options.MaxPhotoBytes / 1024 / 1024}MB");
            if (Sniff(photo.Content) is null)
                return OrderErrors.PhotoInvalid;
        }
        return null;
    }

    /// <summary>The image type from the file's magic bytes, or null when it is not a supported image.</summary>
    public static (string ContentType, string Extension)? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
            return ("image/jpeg", ".jpg");
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
            return ("image/png", ".png");
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8))
            return ("image/webp", ".webp");
        return null;
    }

    public async Task<StoredPhoto> SaveAsync(PhotoUpload photo, DateTime nowUtc, CancellationToken ct = default)
    {
        var (contentType, ext) = Sniff(photo.Content)
            ?? throw new InvalidOperationException("Validate photos before saving them.");
        var key = $"photos/{nowUtc:yyyy/MM/dd}/{Guid.NewGuid():N}{ext}";
        var full = FullPath(key);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllBytesAsync(full, photo.Content, ct);
        return new StoredPhoto(
            key,
            contentType,
            photo.Content.Length,
            Convert.ToHexStringLower(SHA256.HashData(photo.Content))
        );
    }

    public void Delete(StoredPhoto photo)
    {
        var full = FullPath(photo.StorageKey);
        if (File.Exists(full))
            File.Delete(full);
    }

    public Stream OpenRead(string storageKey) => File.OpenRead(FullPath(storageKey));

    private string FullPath(string key)
    {
        var full = Path.GetFullPath(Path.Combine(Root, key));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException("Storage key escapes the data folder.");
        return full;
    }
}
