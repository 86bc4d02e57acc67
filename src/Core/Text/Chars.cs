using System.Globalization;

namespace Governance.Core.Text;

/// <summary>
/// Lengths and cuts as a reader counts them: an emoji or a character outside the BMP is one character, and a cut never
/// falls inside a surrogate pair or a combining sequence.
/// </summary>
public static class Chars
{
    public static int Count(string s) => new StringInfo(s).LengthInTextElements;

    /// <summary>At most <paramref name="max"/> characters; a cut text ends with "…" (counted in the limit).</summary>
    public static string Cut(string s, int max, bool ellipsis = true)
    {
        var info = new StringInfo(s);
        if (info.LengthInTextElements <= max)
            return s;
        return ellipsis && max > 1
            ? info.SubstringByTextElements(0, max - 1) + "…"
            : info.SubstringByTextElements(0, max);
    }

    /// <summary>
    /// The longest start of <paramref name="s"/> made of whole characters (never half a surrogate pair or of an emoji
    /// sequence) that is at most <paramref name="maxUnits"/> UTF-16 code units long: for limits counted in string
    /// length, such as a column's or an API's.
    /// </summary>
    public static string Prefix(string s, int maxUnits)
    {
        if (s.Length <= maxUnits)
            return s;
        var end = 0;
        var e = StringInfo.GetTextElementEnumerator(s);
        while (e.MoveNext())
        {
            var next = e.ElementIndex + e.GetTextElement().Length;
            if (next > maxUnits)
                break;
            end = next;
        }
        return s[..end];
    }

    /// <summary>
    /// The first <paramref name="max"/> characters followed by "…" when cut (the limit excludes the mark).
    /// </summary>
    public static string Shorten(string s, int max)
    {
        var info = new StringInfo(s);
        return info.LengthInTextElements <= max ? s : info.SubstringByTextElements(0, max) + "…";
    }

    /// <summary>
    /// Control characters other than line breaks and tabs (NUL, escapes, bidi overrides) have no place in names or
    /// text.
    /// </summary>
    public static bool HasControl(string s) =>
        s.Any(c =>
            (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            || c is '\u202E' or '\u202D' or '\u2066' or '\u2067' or '\u2068'
        );
}
