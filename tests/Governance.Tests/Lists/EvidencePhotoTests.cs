using System.Net.Http.Json;
using System.Text;
using Governance.Wechat.Simulator;

namespace Governance.Tests.Lists;

/// <summary>
/// Photos handed in with a claim's progress and result and with an inspection finding's rectification: stored, listed
/// with their address, served to whoever may see the claim or finding; a forged image or a refused step leaves no row
/// and no file behind.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class EvidencePhotoTests(TestApp app) : DbTest(app)
{
    private static MultipartFormDataContent Form(string field, string text, byte[] photo, string name = "a.jpg")
    {
        var form = new MultipartFormDataContent { { new StringContent(text, Encoding.UTF8), field } };
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new("image/jpeg");
        form.Add(file, "photos", name);
        return form;
    }

    private static Task<long> PhotoRowsAsync(string subject) =>
        TestDatabase.ScalarAsync<long>(
            "SELECT COUNT(*) FROM practice_photo WHERE subject = @subject",
            new { subject }
        );

    [Fact]
    public async Task AClaimsProgressAndResultCarryPhotosOthersCanOpen()
    {
        var item = await App.ClientFor(9011)
            .PostAsJsonAsync("/api/communities/11/lists", new { kind = "need", title = "楼道堆物清理" })
            .OkAsync();
        var unit = App.ClientFor(3001);
        var itemId = item.GetProperty("id").GetInt64();
        var claim = await unit.PostAsJsonAsync($"/api/lists/{itemId}/claim", new { unitId = 1 }).OkAsync();
        var claimId = claim.GetProperty("claim").GetProperty("id").GetInt64();

        // Not an image: refused, and nothing stored.
        await (
            await unit.PostAsync($"/api/claims/{claimId}/progress", Form("note", "清理中", "not a photo"u8.ToArray()))
        ).ProblemAsync(400, "photo.invalid_content");
        Assert.Equal(0, await PhotoRowsAsync("claim"));
        await (
            await unit.PostAsJsonAsync($"/api/claims/{claimId}/progress", new { note = "x", photo = "y" })
        ).ProblemAsync(400, "request.unknown_field");

        var progress = await unit
            .PostAsync($"/api/claims/{claimId}/progress", Form("note", "已清理一半", WechatSimulator.TinyJpeg))
            .OkAsync();
        var done = await unit
            .PostAsync($"/api/claims/{claimId}/submit", Form("note", "已全部清理", WechatSimulator.TinyJpeg, "b.jpg"))
            .OkAsync();
        Assert.Equal(1, progress.GetProperty("photos").GetArrayLength());
        var photos = done.GetProperty("photos")
            .EnumerateArray()
            .Select(p => p.GetProperty("url").GetString()!)
            .ToList();
        Assert.Equal(2, photos.Count);
        Assert.All(photos, u => Assert.StartsWith($"/api/claims/{claimId}/photos/", u));
        Assert.Equal(
            ["progress", "submitted"],
            await TestDatabase.QueryAsync<string>(
                "SELECT step FROM practice_photo WHERE subject = 'claim' AND subject_id = @claimId ORDER BY id",
                new { claimId }
            )
        );

        // The secretary who confirms it sees the photo; a resident outside the community does not.
        var file = await App.ClientFor(9011).GetAsync(photos[1]);
        Assert.Equal(200, (int)file.StatusCode);
        Assert.Equal("image/jpeg", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WechatSimulator.TinyJpeg, await file.Content.ReadAsByteArrayAsync());
        await (await App.ClientFor(1001).GetAsync(photos[1])).ProblemAsync(404, "lists.claim_not_found");
        await (await App.ClientFor(9011).GetAsync($"/api/claims/{claimId}/photos/999999")).ProblemAsync(
            404,
            "lists.photo_not_found"
        );

        // A step refused by the claim's state stores nothing: no row, and its file is removed again.
        var root = App.Service<Governance.Core.Orders.PhotoStorage>().Root;
        int Files() => Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Length : 0;
        var before = Files();
        await (
            await unit.PostAsync($"/api/claims/{claimId}/submit", Form("note", "再交一次", WechatSimulator.TinyJpeg))
        ).ProblemAsync(409, "lists.wrong_claim_state");
        Assert.Equal(2, await PhotoRowsAsync("claim"));
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task ARectificationIsHandedInWithPhotos()
    {
        var round = await App.ClientFor(9001)
            .PostAsJsonAsync("/api/areas/1/inspections", new { title = "四季度督查" })
            .OkAsync();
        var finding = await App.ClientFor(9001)
            .PostAsJsonAsync(
                $"/api/inspections/{round.GetProperty("id").GetInt64()}/findings",
                new
                {
                    communityId = 11,
                    problem = "宣传栏破损",
                    requirement = "修复宣传栏",
                    deadline = "2026-11-30",
                }
            )
            .OkAsync();
        var id = finding.GetProperty("id").GetInt64();
        await App.ClientFor(9011)
            .PostAsync($"/api/findings/{id}/submit", Form("evidence", "已更换宣传栏", WechatSimulator.TinyJpeg))
            .OkAsync();
        var detail = await App.ClientFor(9001).GetAsync($"/api/findings/{id}").OkAsync();
        var url = Assert.Single(detail.GetProperty("photos").EnumerateArray()).GetProperty("url").GetString()!;
        var bytes = await (await App.ClientFor(9001).GetAsync(url)).Content.ReadAsByteArrayAsync();
        Assert.Equal(WechatSimulator.TinyJpeg, bytes);
        await (await App.ClientFor(3002).GetAsync(url)).ProblemAsync(404, "inspections.finding_not_found");
    }
}
