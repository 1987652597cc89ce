using System.Text.Json.Nodes;

namespace StockAlerts.Tests.Fakes;

/// <summary>FCM HTTP v1 answers in the real error shape: error.code/message/status/details[{"@type", "errorCode"}].</summary>
internal static class FcmAnswers
{
    private const string FcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private const string BadRequestType = "type.googleapis.com/google.rpc.BadRequest";
    private const string QuotaFailureType = "type.googleapis.com/google.rpc.QuotaFailure";

    public static FakeResponse Success(FcmRequest request) =>
        FakeResponse.Json($$"""{"name":"projects/{{request.ProjectId}}/messages/0:{{request.Sequence}}%31bd1c9631bd1c96"}""");

    public static FakeResponse Unregistered() =>
        Error(404, "NOT_FOUND", "Requested entity was not found.", FcmError("UNREGISTERED"));

    public static FakeResponse InvalidToken() =>
        Error(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", FcmError("INVALID_ARGUMENT"));

    /// <summary>A bad payload field: the BadRequest detail alone, or with an INVALID_ARGUMENT FcmError as well.</summary>
    public static FakeResponse InvalidArgument(bool withFcmError)
    {
        const string message = "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), \"forever\"";
        var badRequest = FieldViolation("message.android.ttl", message);
        return withFcmError
            ? Error(400, "INVALID_ARGUMENT", message, FcmError("INVALID_ARGUMENT"), badRequest)
            : Error(400, "INVALID_ARGUMENT", message, badRequest);
    }

    public static FakeResponse DataValueNotString(int index, string rawValue)
    {
        var message = $"Invalid value at 'message.data[{index}].value' (TYPE_STRING), {rawValue}";
        return Error(400, "INVALID_ARGUMENT", message, FieldViolation($"message.data[{index}].value", message));
    }

    public static FakeResponse SenderIdMismatch() =>
        Error(403, "PERMISSION_DENIED", "SenderId mismatch", FcmError("SENDER_ID_MISMATCH"));

    public static FakeResponse PermissionDenied() =>
        Error(403, "PERMISSION_DENIED", "Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/stockalerts-test' (or it may not exist).");

    public static FakeResponse ThirdPartyAuthError() =>
        Error(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service", FcmError("THIRD_PARTY_AUTH_ERROR"));

    public static FakeResponse Unauthenticated() =>
        Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");

    public static FakeResponse QuotaExceeded(string? retryAfter = "30")
    {
        var quota = new JsonObject
        {
            ["@type"] = QuotaFailureType,
            ["violations"] = new JsonArray(new JsonObject { ["subject"] = "device", ["description"] = "Device message rate exceeded" }),
        };
        return WithRetryAfter(Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Send requests'.", FcmError("QUOTA_EXCEEDED"), quota), retryAfter);
    }

    public static FakeResponse Unavailable(string? retryAfter = "10") =>
        WithRetryAfter(Error(503, "UNAVAILABLE", "The service is currently unavailable.", FcmError("UNAVAILABLE")), retryAfter);

    public static FakeResponse Internal() =>
        Error(500, "INTERNAL", "Internal error encountered.", FcmError("INTERNAL"));

    public static FakeResponse Error(int code, string status, string message, params JsonObject[] details)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status };
        if (details.Length > 0)
        {
            var array = new JsonArray();
            foreach (var detail in details)
            {
                array.Add((JsonNode)detail);
            }
            error["details"] = array;
        }
        return FakeResponse.Json(new JsonObject { ["error"] = error }.ToJsonString(), code);
    }

    private static JsonObject FcmError(string errorCode) => new() { ["@type"] = FcmErrorType, ["errorCode"] = errorCode };

    private static JsonObject FieldViolation(string field, string description) => new()
    {
        ["@type"] = BadRequestType,
        ["fieldViolations"] = new JsonArray(new JsonObject { ["field"] = field, ["description"] = description }),
    };

    private static FakeResponse WithRetryAfter(FakeResponse response, string? retryAfter) =>
        retryAfter is null ? response : response.WithHeader("Retry-After", retryAfter);
}
