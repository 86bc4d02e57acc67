namespace Governance.Core.Paging;

/// <summary>
/// One page of a list that is paged by number (short lists a person browses: their orders, a broadcast's recipients).
/// </summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>
/// One page of a list that may be long (registrations, a unit's members): the next page starts after the last row of
/// this one, so page 500 costs what page 1 costs and rows added meanwhile are neither skipped nor repeated.
/// <paramref name="Next"/> is null on the last page.
/// </summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, string? Next);
