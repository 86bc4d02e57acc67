using Governance.Core.Orders;

namespace Governance.Wechat.Chat;

/// <summary>What the dialog is waiting for from the resident.</summary>
public static class Awaiting
{
    public const string Confirm = "confirm",
        Place = "place",
        Category = "category",
        Describe = "describe",
        RatingReason = "rating_reason",
        CancelUrgent = "cancel_urgent";
}

/// <summary>A report being drafted in the chat.</summary>
public sealed record Draft
{
    public string Text { get; init; } = "";
    public long? CategoryId { get; init; }
    public string? CategoryName { get; init; }

    /// <summary>The resident picked or named the category: added details no longer re-classify the draft.</summary>
    public bool CategoryChosen { get; init; }

    /// <summary>
    /// Answers to the category's questions, by key; skipped questions are listed so they are not asked again.
    /// </summary>
    public Dictionary<string, string> Answers { get; init; } = [];
    public List<string> Skipped { get; init; } = [];
    public bool Urgent { get; init; }
    public long? AreaId { get; init; }
    public string? PlaceName { get; init; }
    public bool PlaceIsHome { get; init; }
    public string? LocationText { get; init; }
    public decimal? Latitude { get; init; }
    public decimal? Longitude { get; init; }
    public List<StoredPhoto> Photos { get; init; } = [];
}

/// <summary>The conversation state kept per resident in the database (JSON), with an expiry.</summary>
public sealed record ChatState
{
    public Draft? Draft { get; init; }
    public string? Awaiting { get; init; }
    public string? RatingCode { get; init; }

    /// <summary>The urgent order the resident is asked to confirm withdrawing (Awaiting.CancelUrgent).</summary>
    public string? PendingCode { get; init; }

    /// <summary>
    /// The category question asked with the summary, answered by the next message that is not more detail.
    /// </summary>
    public string? QuestionKey { get; init; }
    public int Asked { get; init; }

    public static readonly ChatState Empty = new();
}

/// <summary>What one chat turn produced: the reply (null for none) and what it leaves of the conversation.</summary>
public sealed record DialogTurn(string? Reply, Governance.Core.Messaging.ConversationWrite? Conversation);
