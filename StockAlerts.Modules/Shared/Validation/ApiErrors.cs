using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http;

namespace StockAlerts.Modules.Shared.Validation;

/// <summary>Validation errors keyed by the JSON path of the field, always in the casing the JSON uses.</summary>
public static partial class ApiErrors
{
    public static Dictionary<string, string[]> Keyed(ValidationResult result) =>
        result.Errors
            .GroupBy(error => JsonPath(error.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(error => error.ErrorMessage).Distinct().ToArray());

    /// <summary>"Condition.WindowMinutes" or "Channels[0]" as the JSON writes them: "condition.windowMinutes", "channels[0]".</summary>
    public static string JsonPath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(segment => segment.Length == 0 ? segment : char.ToLowerInvariant(segment[0]) + segment[1..]));

    /// <summary>
    /// A request the framework could not read (a string where a number belongs, a query value that is not a number,
    /// broken JSON) as the same 400 shape as a validation error, keyed by where it happened; null if it is not one.
    /// </summary>
    public static IResult? FromUnreadableRequest(BadHttpRequestException exception, Type? bodyType)
    {
        if (exception.InnerException is JsonException json)
        {
            var path = json.Path is null or "$" ? "" : json.Path.TrimStart('$').TrimStart('.');
            var expected = path.Length == 0 ? "must be a JSON object." : Expected(TypeAt(bodyType, path));
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [path.Length == 0 ? "body" : JsonPath(path)] = [expected] },
                title: "The request body could not be read.");
        }
        if (BindFailure().Match(exception.Message) is { Success: true } bind)
        {
            var expected = Expected(TypeNamed(bind.Groups["type"].Value));
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [JsonPath(bind.Groups["name"].Value)] = [$"'{bind.Groups["value"].Value}' is not valid: the value {expected}"],
            });
        }
        if (exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send a JSON body (content-type: application/json)."] });
        }
        return null;
    }

    /// <summary>The type of the member at a JSON path ("condition.level", "channels[0]") of a request type, when it can be found.</summary>
    private static Type? TypeAt(Type? type, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            if (type is null)
            {
                return null;
            }
            var name = segment.Split('[')[0];
            var property = type.GetProperties().FirstOrDefault(candidate => candidate.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            type = property?.PropertyType;
            if (segment.Contains('[') && type is not null)
            {
                type = type.IsArray ? type.GetElementType() : type.GetGenericArguments().FirstOrDefault();
            }
        }
        return type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
    }

    private static Type? TypeNamed(string name) => name switch
    {
        _ when name.Contains("int", StringComparison.OrdinalIgnoreCase) || name.Contains("long", StringComparison.OrdinalIgnoreCase) => typeof(int),
        _ when name.Contains("decimal", StringComparison.OrdinalIgnoreCase) || name.Contains("double", StringComparison.OrdinalIgnoreCase) => typeof(decimal),
        _ when name.Contains("bool", StringComparison.OrdinalIgnoreCase) => typeof(bool),
        _ when name.Contains("DateTime", StringComparison.Ordinal) => typeof(DateTime),
        _ when name.Contains("Guid", StringComparison.Ordinal) => typeof(Guid),
        _ => null,
    };

    private static string Expected(Type? type) => type switch
    {
        null => "has the wrong type: see the API reference.",
        _ when type == typeof(decimal) || type == typeof(double) => "must be a number.",
        _ when type == typeof(int) || type == typeof(long) => "must be a whole number.",
        _ when type == typeof(bool) => "must be true or false.",
        _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "must be a date and time such as 2026-12-31T16:00:00Z.",
        _ when type == typeof(Guid) => "must be an id (a UUID).",
        _ when type == typeof(string) => "must be text.",
        _ when type.IsArray || type.IsGenericType => "must be a list.",
        _ => "must be a JSON object.",
    };

    [GeneratedRegex("""Failed to bind parameter "(?<type>\S+) (?<name>\w+)" from "(?<value>[^"]*)"\.""")]
    private static partial Regex BindFailure();
}
