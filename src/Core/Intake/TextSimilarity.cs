namespace Governance.Core.Intake;

/// <summary>
/// How alike two short reports are: Jaccard overlap of character bigrams, with digits and place words
/// removed so that "3栋" in both does not make a broken light and a broken lift look alike.
/// </summary>
public static class TextSimilarity
{
    private static readonly string[] PlaceWords = ["小区", "号楼", "单元", "栋", "楼下", "门口", "社区", "网格"];

    public static double Jaccard(string a, string b)
    {
        var x = Bigrams(a);
        var y = Bigrams(b);
        if (x.Count == 0 || y.Count == 0)
            return 0;
        var common = x.Count(y.Contains);
        return (double)common / (x.Count + y.Count - common);
    }

    private static HashSet<string> Bigrams(string text)
    {
        var s = TextClassifier.Normalize(text).Replace("0", "");
        foreach (var w in PlaceWords)
            s = s.Replace(w, "");
        var set = new HashSet<string>();
        for (var i = 0; i + 2 <= s.Length; i++)
            set.Add(s.Substring(i, 2));
        return set;
    }
}
