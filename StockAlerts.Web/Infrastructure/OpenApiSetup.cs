using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// The OpenAPI document is generated from the code and is part of the product: request properties are required only
/// when the API needs them and never nullable, numbers are numbers, closed sets are enums, and every operation lists
/// every error it can answer with its ProblemDetails shape. A snapshot test keeps every change to it deliberate.
/// </summary>
internal static class OpenApiSetup
{
    public const string AsyncApiPath = "/asyncapi/v1.json";
    private const string SchemeName = "Bearer";
    private const string ProblemSchema = "ProblemDetails";
    private const string ValidationProblemSchema = "HttpValidationProblemDetails";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services)
    {
        // Numbers are numbers, in and out: "5" where a number belongs is a validation error, not a number.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        // Unreadable input reaches the exception handler, which answers it like a validation error (field by field).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer((schema, context, _) =>
            {
                DescribeValues(schema, context);
                RequireWhatRequestsNeed(schema, context);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                await DescribeProblemsAsync(operation, context, cancellationToken);
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    // Query binding ignores case; the document shows the names as JSON does.
                    if (parameter.In == ParameterLocation.Query && parameter.Name is { Length: > 0 } name)
                    {
                        parameter.Name = ApiNames.Name(name);
                    }
                }
            });
            options.AddDocumentTransformer(async (document, context, cancellationToken) =>
            {
                document.Info.Title = "StockAlerts API";
                document.Info.Version = "v1";
                document.Info.Description =
                    "Price alerts for stocks and currencies. Sign in with POST /api/auth/login and send the access token as a bearer token. " +
                    "Live updates come over two SignalR hubs, described by the AsyncAPI document at /asyncapi/v1.json.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "Access token from POST /api/auth/login (or /api/auth/refresh).",
                };
                document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                document.Components.Schemas.TryAdd(ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken));
                document.Components.Schemas.TryAdd(ValidationProblemSchema, await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), cancellationToken: cancellationToken));
                RemoveNullFromRequestReferences(document);
                AddProblemResponses(document);
            });
        });
    }

    public static void MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        var hubs = AsyncApiDocument.Build(app.Services.GetServices<HubDescription>()).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        app.MapGet(AsyncApiPath, () => Results.Text(hubs, "application/json")).AllowAnonymous().ExcludeFromDescription();
        app.MapScalarApiReference(options => options.WithTitle("StockAlerts API").WithNonce()).AllowAnonymous();
    }

    public static bool IsRequestType(Type? type) =>
        type?.Namespace?.StartsWith("StockAlerts", StringComparison.Ordinal) == true
        && (type.Name.EndsWith("Request", StringComparison.Ordinal) || type.Name.EndsWith("Body", StringComparison.Ordinal));

    private static void DescribeValues(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        var attributes = context.JsonPropertyInfo?.AttributeProvider
            ?? (context.ParameterDescription?.ParameterDescriptor as Microsoft.AspNetCore.Mvc.Infrastructure.IParameterInfoParameterDescriptor)?.ParameterInfo;
        var names = attributes?.GetCustomAttributes(typeof(ValuesAttribute), inherit: true).OfType<ValuesAttribute>().FirstOrDefault()?.Names
            ?? attributes?.GetCustomAttributes(typeof(OneOfAttribute), inherit: true).OfType<OneOfAttribute>().FirstOrDefault()?.Names;
        if (names is null)
        {
            return;
        }
        var target = schema.Type?.HasFlag(JsonSchemaType.Array) == true && schema.Items is OpenApiSchema items ? items : schema;
        target.Enum = names.Select(name => (JsonNode)JsonValue.Create(name)!).ToList();
    }

    /// <summary>
    /// In a request, a property is required only when marked [Required], and never nullable: leaving it out is how a
    /// client says "none". Responses keep what the serializer says: every property present, null only where it means something.
    /// </summary>
    private static void RequireWhatRequestsNeed(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        if (context.JsonPropertyInfo is { } property && IsRequestType(property.DeclaringType) && schema.Type is { } type)
        {
            schema.Type = type & ~JsonSchemaType.Null;
        }
        // A nested request object (rule.frequency) comes with the property that holds it; its own members decide.
        var requestType = context.JsonTypeInfo.Type;
        if (!IsRequestType(requestType) || context.JsonTypeInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
        {
            return;
        }
        schema.Required = context.JsonTypeInfo.Properties
            .Where(member => member.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
            .Select(member => member.Name)
            .ToHashSet();
        schema.AdditionalPropertiesAllowed = false;
    }

    // A nested object in a request is written "oneOf: [null, $ref]" by the generator: leave the $ref.
    private static void RemoveNullFromRequestReferences(OpenApiDocument document)
    {
        foreach (var (name, component) in document.Components!.Schemas!)
        {
            if (!(name.EndsWith("Request", StringComparison.Ordinal) || name.EndsWith("Body", StringComparison.Ordinal)) || component is not OpenApiSchema schema)
            {
                continue;
            }
            foreach (var (propertyName, property) in schema.Properties?.ToList() ?? [])
            {
                if (property is OpenApiSchema { OneOf: { Count: 2 } oneOf } && oneOf.Any(member => member is OpenApiSchema { Type: JsonSchemaType.Null }))
                {
                    schema.Properties![propertyName] = oneOf.Single(member => member is not OpenApiSchema { Type: JsonSchemaType.Null });
                }
            }
        }
    }

    /// <summary>Every error an operation can answer, from what the endpoint is: its input, its authorization, its route.</summary>
    private static Task DescribeProblemsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var parameters = description.ParameterDescriptions;
        var hasBody = parameters.Any(parameter => parameter.Source == BindingSource.Body);
        var hasInput = hasBody || parameters.Any(parameter => parameter.Source == BindingSource.Query || parameter.Source == BindingSource.Path);
        var isApi = description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        var requiresUser = authorize.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any();
        operation.Responses ??= new OpenApiResponses();

        if (hasInput)
        {
            Add(operation, context, "400", "ValidationFailed");
        }
        if (requiresUser)
        {
            Add(operation, context, "401", "NotSignedIn");
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        }
        if (authorize.Any(data => data.Policy == CurrentUser.AdminPolicy))
        {
            Add(operation, context, "403", "AdminsOnly");
        }
        if (parameters.Any(parameter => parameter.Source == BindingSource.Path))
        {
            Add(operation, context, "404", "NotFound");
        }
        if (hasBody)
        {
            Add(operation, context, "413", "BodyTooLarge");
        }
        if (isApi)
        {
            Add(operation, context, "429", "TooManyRequests");
            Add(operation, context, "503", "StoreUnavailable");
        }
        return Task.CompletedTask;
    }

    /// <summary>The shared error responses, each described once in components.responses and referenced by the operations.</summary>
    private static readonly (string Id, string Description, string Schema, bool RetryAfter)[] Problems =
    [
        ("ValidationFailed", "The request is not valid: `errors` maps each field's JSON path (e.g. `condition.level`) to what is wrong with it.", ValidationProblemSchema, false),
        ("NotSignedIn", "No valid access token: sign in (POST /api/auth/login) or refresh it.", ProblemSchema, false),
        ("AdminsOnly", "Only admins may do this.", ProblemSchema, false),
        ("NotFound", "No such item, or it is not yours.", ProblemSchema, false),
        ("Conflict", "The request conflicts with what is stored (the detail says how).", ProblemSchema, false),
        ("BodyTooLarge", "The request body is larger than Requests:MaxBodyBytes.", ProblemSchema, false),
        ("TooManyRequests", "Too many requests: wait for the seconds in Retry-After.", ProblemSchema, true),
        ("StoreUnavailable", "The database or Redis is briefly unavailable: retry after the seconds in Retry-After.", ProblemSchema, true),
    ];

    private static void Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, string status, string id)
    {
        operation.Responses![status] = new OpenApiResponseReference(id, context.Document);
    }

    private static void AddProblemResponses(OpenApiDocument document)
    {
        document.Components!.Responses ??= new Dictionary<string, IOpenApiResponse>();
        foreach (var (id, description, schema, retryAfter) in Problems)
        {
            var response = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document) },
                },
            };
            if (retryAfter)
            {
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before trying again.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                };
            }
            document.Components.Responses[id] = response;
        }
        // Errors declared by an endpoint itself (ProducesProblem) are described like the shared ones.
        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var (status, id) in new[] { ("401", "NotSignedIn"), ("404", "NotFound"), ("409", "Conflict") })
            {
                if (operation.Responses?.TryGetValue(status, out var declared) == true && declared is OpenApiResponse)
                {
                    operation.Responses[status] = new OpenApiResponseReference(id, document);
                }
            }
        }
    }
}
