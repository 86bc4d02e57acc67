using System.Text.Json;
using Governance.Api.Intake;
using Governance.Core.Intake;
using Governance.Core.Areas;

namespace Governance.Tests.Intake;

public sealed class IntakeTests : IAsyncLifetime
{
    private List<(string Text, string Label)> _seed = null!;
    private PlaceDirectory _places = null!;

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureBuiltAsync();
        var store = new IntakeExampleStore(TestDatabase.Db);
        // Only the shipped seed set: database tests running alongside add staff corrections.
        _seed = await TestDatabase.QueryAsync<(string, string)>(
            "SELECT e.text, c.code FROM intake_example e JOIN category c ON c.id = e.category_id WHERE e.source = "
                + "'seed' ORDER BY e.id"
        );
        _places = new PlaceDirectory(await store.PlaceAreasAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every fifth example of each category is held out, as `intake split` does.</summary>
    private (List<(string, string)> Train, List<(string, string)> Test) Split()
    {
        var test = _seed.GroupBy(e => e.Label).SelectMany(g => g.Where((_, i) => i % 5 == 4)).ToHashSet();
        return (_seed.Where(e => !test.Contains(e)).ToList(), test.ToList());
    }

    [Fact]
    public void TheClassifierGeneralisesToHeldOutSeedExamples()
    {
        Assert.Equal(370, _seed.Count); // 25 per category and 20 emergencies
        var (train, test) = Split();
        var model = TextClassifier.Train(train);
        var evaluation = Evaluation.Of(model, test);
        // Measured 0.668 on this split (5-fold cross-validation: 0.654); the floor leaves room for noise, not for
        // regressions.
        Assert.True(evaluation.MacroF1 >= 0.6, evaluation.Report());
        Assert.Equal(14, evaluation.PerClass.Count);
        Assert.Equal(73, evaluation.Count);
    }

    [Theory]
    [InlineData("楼道灯坏了，晚上黑乎乎的", "facility")]
    [InlineData("垃圾桶满了好几天没人收", "sanitation")]
    [InlineData("楼上半夜一直在跳，吵死了", "noise")]
    [InlineData("有车把消防通道堵死了", "parking")]
    [InlineData("想咨询一下工资被拖欠怎么办", "legal")]
    public void CommonReportsAreClassifiedConfidently(string text, string expected)
    {
        var model = TextClassifier.Train(_seed);
        var p = model.Predict(text);
        Assert.Equal(expected, p.Label);
        Assert.True(p.Confidence > 0.35, $"confidence {p.Confidence:0.00}");
        Assert.Equal(1.0, p.Ranked.Sum(r => r.Probability), 6);
    }

    [Fact]
    public void AModelSurvivesSavingAndLoading()
    {
        var model = TextClassifier.Train(_seed);
        using var buffer = new MemoryStream();
        model.Save(buffer);
        buffer.Position = 0;
        var loaded = TextClassifier.Load(buffer);
        foreach (var (text, _) in _seed.Take(30))
            Assert.Equal(model.Predict(text).Confidence, loaded.Predict(text).Confidence, 6);
    }

    [Theory]
    [InlineData("厨房里有很大的煤气味", "gas", "119")]
    [InlineData("楼道里冒浓烟了", "fire", "119")]
    [InlineData("3楼着火了！", "fire", "119")]
    [InlineData("地下车库被淹了，水越来越深", "flood", "119")]
    [InlineData("电表箱在冒火花", "electric", "120")]
    [InlineData("电梯困人了，里面有个老人", "trapped", "119")]
    [InlineData("楼下有个老人摔倒起不来，头在流血", "injury", "120")]
    [InlineData("小区门口有人持刀打架", "violence", "110")]
    public void DangerIsRecognisedWithTheRightNumber(string text, string hazard, string number)
    {
        var u = UrgencyDetector.Detect(text);
        Assert.True(u.IsUrgent);
        Assert.Contains(hazard, u.Hazards);
        Assert.Contains(number, u.EmergencyNumbers);
        Assert.False(string.IsNullOrWhiteSpace(u.SafetyAdvice));
    }

    [Theory]
    [InlineData("楼道灯坏了")]
    [InlineData("燃气费怎么交")]
    [InlineData("已经没有煤气味了，谢谢")]
    [InlineData("")]
    public void OrdinaryOrNegatedMessagesAreNotUrgent(string text) =>
        Assert.False(UrgencyDetector.Detect(text).IsUrgent);

    [Fact]
    public void PlacesAreExtractedFromVariedPhrasings()
    {
        var p1 = PlaceExtractor.Extract("金龙小区3号楼楼道灯坏了", _places);
        Assert.Equal(("金龙小区", 3, 111103L), (p1.CompoundName, p1.BuildingNumber, p1.BuildingId!.Value));

        var p2 = PlaceExtractor.Extract("三栋门口垃圾没人清", _places);
        Assert.Equal((null, 3), (p2.CompoundName, p2.BuildingNumber));

        var p3 = PlaceExtractor.Extract("我家5单元302漏水", _places);
        Assert.Equal((5, "302", true), (p3.Unit, p3.Room, p3.RelativeToHome));

        var p4 = PlaceExtractor.Extract("世纪山水二期的路灯不亮", _places);
        Assert.Equal(("世纪山水小区", 1212L), (p4.CompoundName, p4.GridId!.Value));

        var p5 = PlaceExtractor.Extract("楼下有人一直在吵", _places);
        Assert.True(p5.RelativeToHome);
        Assert.Null(p5.CompoundId);

        var p6 = PlaceExtractor.Extract("想咨询一下低保怎么申请", _places);
        Assert.True(p6.IsEmpty);

        var p7 = PlaceExtractor.Extract("文化路小区十二栋2单元1201室", _places);
        Assert.Equal((12, 112212L, 2, "1201"), (p7.BuildingNumber, p7.BuildingId!.Value, p7.Unit!.Value, p7.Room));

        // A room right after the building, and English.
        var p9 = PlaceExtractor.Extract("金龙小区7栋302卫生间漏水", _places);
        Assert.Equal((7, "302"), (p9.BuildingNumber, p9.Room));
        var p10 = PlaceExtractor.Extract("Jinlong building 3, the light is broken", _places);
        Assert.Equal(3, p10.BuildingNumber);

        // Towers named by letters.
        var towers = new PlaceDirectory(
            [
                new Area(7, null, AreaKind.Community, "星河社区", "/7/", 1, null, null),
                new Area(71, 7, AreaKind.Compound, "星河湾小区", "/7/71/", 2, null, null),
                new Area(711, 71, AreaKind.Grid, "星河湾第一网格", "/7/71/711/", 3, null, null),
                new Area(71101, 711, AreaKind.Building, "A座", "/7/71/711/71101/", 4, null, null),
                new Area(71102, 711, AreaKind.Building, "B座", "/7/71/711/71102/", 4, null, null),
            ]
        );
        var p11 = PlaceExtractor.Extract("星河湾b座电梯坏了", towers);
        Assert.Equal(("B", 71102L), (p11.BuildingLetter, p11.BuildingId!.Value));

        var p8 = PlaceExtractor.Extract("床单厂8#楼", _places);
        Assert.Equal(("床单厂小区", 211208L), (p8.CompoundName, p8.BuildingId!.Value));

        Assert.Equal(1111, _places.NearestGrid(33.1520, 107.3313)!.Id);
        Assert.Null(_places.NearestGrid(39.9, 116.4));
    }

    [Theory]
    [InlineData("十", 10)]
    [InlineData("十二", 12)]
    [InlineData("二十三", 23)]
    [InlineData("两", 2)]
    [InlineData("１２", 12)]
    public void ChineseNumeralsParse(string s, int expected) => Assert.Equal(expected, PlaceExtractor.ParseNumber(s));

    [Fact]
    public void CsvHandlesQuotesCommasNewlinesAndABom()
    {
        var csv =
            "\uFEFFtext,label\n\"楼道灯坏了，很黑\",facility\n\"他说\"\"吵死了\"\"\",noise\n\"两行\n文字\",other\r\n";
        var rows = LabelledCsv.Read(new StringReader(csv));
        Assert.Equal([("楼道灯坏了，很黑", "facility"), ("他说\"吵死了\"", "noise"), ("两行\n文字", "other")], rows);
        Assert.Throws<InvalidDataException>(() => LabelledCsv.Read(new StringReader("words,category\na,b\n")));
        Assert.Throws<InvalidDataException>(() => LabelledCsv.Read(new StringReader("text,label\n\"unterminated,x\n")));
    }

    [Fact]
    public void SimilarityTellsTheSameProblemFromADifferentOne()
    {
        Assert.True(TextSimilarity.Jaccard("金龙小区3栋楼道灯坏了", "3号楼的楼道灯不亮了") >= 0.2);
        Assert.True(TextSimilarity.Jaccard("3栋楼道灯坏了", "3栋电梯坏了停运了") < 0.2);
    }

    [Fact]
    public async Task TheCommandLineTrainsEvaluatesAndAnalysesFromFiles()
    {
        var dir = Directory.CreateTempSubdirectory("intake-cli-").FullName;
        try
        {
            var all = Path.Combine(dir, "all.csv");
            await File.WriteAllLinesAsync(
                all,
                _seed.Select(e => $"{LabelledCsv.Escape(e.Text)},{e.Label}").Prepend("text,label")
            );
            var output = new StringWriter();
            Task<int> Run(params string[] args) =>
                IntakeCommand.RunAsync(
                    args,
                    output,
                    () => Task.FromResult<PlaceDirectory?>(_places),
                    () => Task.FromResult(_seed)
                );

            Assert.Equal(
                0,
                await Run(
                    "split",
                    "--data",
                    all,
                    "--train",
                    Path.Combine(dir, "train.csv"),
                    "--test",
                    Path.Combine(dir, "test.csv")
                )
            );
            Assert.Contains("297 training and 73 held-out", output.ToString());
            Assert.Equal(
                0,
                await Run("train", "--data", Path.Combine(dir, "train.csv"), "--model", Path.Combine(dir, "model.json"))
            );
            Assert.True(File.Exists(Path.Combine(dir, "model.json")));
            Assert.Equal(
                0,
                await Run(
                    "evaluate",
                    "--model",
                    Path.Combine(dir, "model.json"),
                    "--data",
                    Path.Combine(dir, "test.csv")
                )
            );
            var report = output.ToString();
            Assert.Contains("macro-F1", report);
            Assert.Contains("confusion matrix", report);
            Assert.Contains("facility", report);

            await File.WriteAllLinesAsync(
                Path.Combine(dir, "messages.txt"),
                ["世纪山水二期5单元302楼道灯不亮", "", "厨房有煤气味"]
            );
            Assert.Equal(
                0,
                await Run(
                    "analyze",
                    "--model",
                    Path.Combine(dir, "model.json"),
                    "--input",
                    Path.Combine(dir, "messages.txt"),
                    "--output",
                    Path.Combine(dir, "out.jsonl")
                )
            );
            var lines = await File.ReadAllLinesAsync(Path.Combine(dir, "out.jsonl"));
            Assert.Equal(2, lines.Length);
            var first = JsonDocument.Parse(lines[0]).RootElement;
            Assert.Equal("facility", first.GetProperty("category").GetString());
            Assert.Equal("世纪山水小区", first.GetProperty("place").GetProperty("compound").GetString());
            Assert.Equal(5, first.GetProperty("place").GetProperty("unit").GetInt32());
            Assert.Equal("302", first.GetProperty("place").GetProperty("room").GetString());
            Assert.True(JsonDocument.Parse(lines[1]).RootElement.GetProperty("urgent").GetBoolean());

            Assert.Equal(0, await Run("export", "--out", Path.Combine(dir, "export.csv")));
            Assert.Equal(371, (await File.ReadAllLinesAsync(Path.Combine(dir, "export.csv"))).Length);
            Assert.Equal(2, await Run("train"));
            Assert.Equal(1, await Run("evaluate", "--model", Path.Combine(dir, "missing.json"), "--data", all));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
