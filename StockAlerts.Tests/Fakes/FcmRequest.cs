using System.Text.Json.Nodes;

namespace StockAlerts.Tests.Fakes;

/// <summary>One messages:send the fake FCM received: Message is the "message" object, Json the whole body as sent.</summary>
internal sealed record FcmRequest(int Sequence, string ProjectId, string? Token, JsonObject Message, string Json);
