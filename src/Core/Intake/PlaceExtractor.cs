using System.Text.RegularExpressions;
using Governance.Core.Areas;

namespace Governance.Core.Intake;

public sealed record ExtractedPlace(
    long? CompoundId,
    string? CompoundName,
    long? GridId,
    int? BuildingNumber,
    long? BuildingId,
    int? Unit,
    string? Room,
    bool RelativeToHome
)
{
    public static readonly ExtractedPlace None = new(null, null, null, null, null, null, null, false);

    /// <summary>A building named by a letter ("B座", "C栋"), as compounds of towers name them.</summary>
    public string? BuildingLetter { get; init; }

    public bool IsEmpty =>
        CompoundId is null
        && GridId is null
        && BuildingNumber is null
        && BuildingLetter is null
        && Unit is null
        && Room is null
        && !RelativeToHome;

    /// <summary>"金龙小区 3栋 2单元 302室", for summaries.</summary>
    public string Describe() =>
        string.Join(
            " ",
            new[]
            {
                CompoundName,
                BuildingNumber is { } b ? $"{b}栋"
                    : BuildingLetter is { } l ? $"{l}座"
                    : null,
                Unit is { } u ? $"{u}单元" : null,
                Room is { } r ? $"{r}室" : null,
            }.Where(s => s is not null)
        );
}

/// <summary>The compounds, grids and buildings that place names in messages are matched against.</summary>
public sealed class PlaceDirectory
{
    private readonly List<(string Alias, Area Area)> _aliases;
    private readonly Dictionary<long, Area> _byId;
    private readonly ILookup<long, Area> _children;

    public PlaceDirectory(IEnumerable<Area> areas)
    {
        var list = areas.ToList();
        _byId = list.ToDictionary(a => a.Id);
        _children = list.Where(a => a.ParentId is not null).ToLookup(a => a.ParentId!.Value);
        _aliases = [];
        foreach (var a in list.Where(a => a.Kind is AreaKind.Compound or AreaKind.Grid))
        {
            _aliases.Add((a.Name, a));
            var shortName =
                a.Kind == AreaKind.Grid ? Strip(a.Name, "网格") : Strip(a.Name, "小区", "花园", "家园", "社区", "公寓");
            if (
                shortName.Length >= 2
                && shortName != a.Name
                && !shortName.EndsWith("第一", StringComparison.Ordinal)
                && !shortName.EndsWith("第二", StringComparison.Ordinal)
            )
                _aliases.Add((shortName, a));
        }
        // Longest first, so "世纪山水二期" wins over "世纪山水".
        _aliases.Sort((x, y) => y.Alias.Length.CompareTo(x.Alias.Length));
    }

    private static string Strip(string name, params string[] suffixes)
    {
        foreach (var s in suffixes)
            if (name.EndsWith(s, StringComparison.Ordinal))
                return name[..^s.Length];
        return name;
    }

    public Area? Get(long id) => _byId.GetValueOrDefault(id);

    public IEnumerable<Area> Compounds => _byId.Values.Where(a => a.Kind == AreaKind.Compound).OrderBy(a => a.Id);
    public IEnumerable<(string Alias, Area Area)> Aliases => _aliases;

    public Area? CompoundOf(Area area) =>
        area.Kind == AreaKind.Compound
            ? area
            : area.PathIds.Select(Get).FirstOrDefault(a => a?.Kind == AreaKind.Compound);

    /// <summary>The building "{n}栋" under a compound (through its grids) or under a grid.</summary>
    public Area? Building(Area compoundOrGrid, int number)
    {
        var name = $"{number}栋";
        var grids = compoundOrGrid.Kind == AreaKind.Grid ? [compoundOrGrid] : _children[compoundOrGrid.Id].ToList();
        return grids
            .SelectMany(g => _children[g.Id])
            .FirstOrDefault(b => b.Kind == AreaKind.Building && b.Name == name);
    }

    /// <summary>The building "{letter}座" (or 栋, 幢) under a compound (through its grids) or under a grid.</summary>
    public Area? BuildingByLetter(Area compoundOrGrid, string letter)
    {
        string[] names = [$"{letter}座", $"{letter}栋", $"{letter}幢", $"{letter}区"];
        var grids = compoundOrGrid.Kind == AreaKind.Grid ? [compoundOrGrid] : _children[compoundOrGrid.Id].ToList();
        return grids
            .SelectMany(g => _children[g.Id])
            .FirstOrDefault(b =>
                b.Kind == AreaKind.Building && names.Contains(b.Name, StringComparer.OrdinalIgnoreCase)
            );
    }

    /// <summary>The grid whose centre is nearest to a point, within maxMeters.</summary>
    public Area? NearestGrid(double latitude, double longitude, double maxMeters = 1500)
    {
        Area? best = null;
        var bestDistance = double.MaxValue;
        foreach (
            var g in _byId.Values.Where(a =>
                a.Kind == AreaKind.Grid && a.Latitude is not null && a.Longitude is not null
            )
        )
        {
            var d = Meters(latitude, longitude, (double)g.Latitude!.Value, (double)g.Longitude!.Value);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = g;
            }
        }
        return bestDistance <= maxMeters ? best : null;
    }

    public static double Meters(double lat1, double lon1, double lat2, double lon2)
    {
        const double r = 6_371_000;
        double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a =
            Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
            + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * r * Math.Asin(Math.Sqrt(a));
    }
}

/// <summary>
/// Finds the place in a message: compound (or grid, for "世纪山水二期") by name from the area tree,
/// building ("3号楼", "三栋", "8#楼"), unit ("5单元") and room ("302", "302室"); "楼下", "我家" and the like
/// mean the resident's home.
/// </summary>
public static partial class PlaceExtractor
{
    private const string Num = "[0-9０-９]{1,3}|[一二三四五六七八九十两]{1,3}";

    [GeneratedRegex(
        $@"({Num})\s*(?:号楼|号栋|栋|幢|座|#楼|#)|\b(?:building|bldg\.?|block)\s*({Num})\b",
        RegexOptions.IgnoreCase
    )]
    private static partial Regex BuildingPattern();

    [GeneratedRegex(@"(?<![A-Za-z])([A-Za-z])\s*(?:座|栋|幢|号楼)")]
    private static partial Regex LetterBuildingPattern();

    [GeneratedRegex($@"({Num})\s*单元")]
    private static partial Regex UnitPattern();

    [GeneratedRegex(
        @"单元\s*([0-9０-９]{3,4})|([0-9０-９]{3,4})\s*(?:室|房间|号房)|[0-9]{1,2}-([0-9]{3,4})(?![0-9])"
            + @"|(?:栋|幢|号楼|座)\s*([0-9０-９]{3,4})(?![0-9０-９])"
    )]
    private static partial Regex RoomPattern();

    private static readonly string[] HomeWords =
    [
        "楼下",
        "楼上",
        "我家",
        "我们家",
        "家门口",
        "我们楼",
        "我们单元",
        "本楼",
        "我们小区",
        "本小区",
        "单元门口",
        "隔壁",
        "对门",
        "我住的",
    ];

    public static ExtractedPlace Extract(string text, PlaceDirectory directory)
    {
        Area? named = null;
        foreach (var (alias, area) in directory.Aliases)
        {
            if (text.Contains(alias, StringComparison.Ordinal))
            {
                named = area;
                break;
            }
        }
        var compound = named is null ? null : directory.CompoundOf(named);
        var grid = named?.Kind == AreaKind.Grid ? named : null;

        int? building = BuildingPattern().Match(text) is { Success: true } bm
            ? ParseNumber(bm.Groups[1].Success ? bm.Groups[1].Value : bm.Groups[2].Value)
            : null;
        int? unit = UnitPattern().Match(text) is { Success: true } um ? ParseNumber(um.Groups[1].Value) : null;
        string? room = null;
        if (RoomPattern().Match(text) is { Success: true } rm)
            room = ToAscii(rm.Groups.Values.Skip(1).First(g => g.Success).Value);
        var relative = HomeWords.Any(w => text.Contains(w, StringComparison.Ordinal));

        var letter = building is null && LetterBuildingPattern().Match(text) is { Success: true } lm
            ? lm.Groups[1].Value.ToUpperInvariant()
            : null;

        long? buildingId = null;
        if (building is { } n && (grid ?? compound) is { } scope && directory.Building(scope, n) is { } b)
            buildingId = b.Id;
        else if (building is { } n2 && compound is not null && directory.Building(compound, n2) is { } b2)
            buildingId = b2.Id;
        else if (
            letter is not null
            && (grid ?? compound) is { } lettered
            && directory.BuildingByLetter(lettered, letter) is { } b3
        )
            buildingId = b3.Id;

        return new ExtractedPlace(compound?.Id, compound?.Name, grid?.Id, building, buildingId, unit, room, relative)
        {
            BuildingLetter = letter,
        };
    }

    public static int? ParseNumber(string s)
    {
        s = ToAscii(s);
        if (int.TryParse(s, out var n))
            return n;
        static int Digit(char c) =>
            "零一二三四五六七八九".IndexOf(c) is var i and >= 0 ? i
            : c == '两' ? 2
            : -1;
        if (s.Length == 1)
            return s == "十" ? 10
                : Digit(s[0]) is var d and > 0 ? d
                : null;
        var ten = s.IndexOf('十');
        if (ten < 0)
            return null;
        var tens = ten == 0 ? 1 : Digit(s[0]);
        var ones = ten == s.Length - 1 ? 0 : Digit(s[^1]);
        return tens > 0 && ones >= 0 ? tens * 10 + ones : null;
    }

    private static string ToAscii(string s) =>
        string.Concat(s.Select(c => c is >= '０' and <= '９' ? (char)(c - '０' + '0') : c));
}
