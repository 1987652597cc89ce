// A mobile developer's first hour, through the C# client Kiota generated from the OpenAPI document: register, sign in,
// one rule of every condition type, list, pause, let one fire, read its notification, and a validation error.
// Exit code 0 when every step did what the API promises; otherwise the failing step is printed.
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using StockAlerts.Client;
using StockAlerts.Client.Models;

var baseUrl = args[0];
var email = $"kiota-{Guid.NewGuid():N}@example.com";
const string password = "Correct-Horse-42";

var anonymous = new StockAlertsClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider()) { BaseUrl = baseUrl });
var account = await anonymous.Api.Auth.Register.PostAsync(new RegisterRequest { Email = email, Password = password });
Check(account?.Email == email, "register answers the new account");
var tokens = await anonymous.Api.Auth.Login.PostAsync(new LoginRequest { Email = email, Password = password });
Check(tokens?.AccessToken is { Length: > 0 } && tokens.RefreshToken is { Length: > 0 }, "login gives tokens");

var client = new StockAlertsClient(new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new StaticToken(tokens!.AccessToken!, baseUrl))) { BaseUrl = baseUrl });
var me = await client.Api.Account.GetAsync();
Check(me?.Email == email && me.IsAdmin == false, "the account is mine");

var quote = await client.Api.Prices["AAPL"].GetAsync();
Check(quote?.Price > 0, "AAPL has a price");
var price = quote!.Price!.Value;

var conditions = new (string Name, ConditionRequest Condition)[]
{
    ("above", new() { AboveCondition = new() { Type = AboveCondition_type.Above, Level = Math.Round(price * 3, 2) } }),
    ("below", new() { BelowCondition = new() { Type = BelowCondition_type.Below, Level = Math.Round(price / 3, 2) } }),
    ("crossesAbove", new() { CrossesAboveCondition = new() { Type = CrossesAboveCondition_type.CrossesAbove, Level = Math.Round(price * 2, 2) } }),
    ("crossesBelow", new() { CrossesBelowCondition = new() { Type = CrossesBelowCondition_type.CrossesBelow, Level = Math.Round(price / 2, 2) } }),
    ("crosses", new() { CrossesCondition = new() { Type = CrossesCondition_type.Crosses, Level = Math.Round(price * 1.5, 2) } }),
    ("entersChannel", new() { EntersChannelCondition = new() { Type = EntersChannelCondition_type.EntersChannel, Lower = Math.Round(price * 2, 2), Upper = Math.Round(price * 3, 2) } }),
    ("exitsChannel", new() { ExitsChannelCondition = new() { Type = ExitsChannelCondition_type.ExitsChannel, Lower = Math.Round(price / 2, 2), Upper = Math.Round(price * 2, 2) } }),
    ("insideChannel", new() { InsideChannelCondition = new() { Type = InsideChannelCondition_type.InsideChannel, Lower = Math.Round(price * 4, 2), Upper = Math.Round(price * 5, 2) } }),
    ("outsideChannel", new() { OutsideChannelCondition = new() { Type = OutsideChannelCondition_type.OutsideChannel, Lower = Math.Round(price / 4, 2), Upper = Math.Round(price * 4, 2) } }),
    ("movesUp", new() { MovesUpCondition = new() { Type = MovesUpCondition_type.MovesUp, Percent = 40, WindowMinutes = 30 } }),
    ("movesDown", new() { MovesDownCondition = new() { Type = MovesDownCondition_type.MovesDown, Amount = Math.Round(price / 2, 2), WindowMinutes = 60 } }),
    ("percentChange", new() { PercentChangeCondition = new() { Type = PercentChangeCondition_type.PercentChange, Percent = 50, Reference = PercentChangeCondition_reference.Creation } }),
    ("trailingDrawdown", new() { TrailingDrawdownCondition = new() { Type = TrailingDrawdownCondition_type.TrailingDrawdown, Percent = 60 } }),
    ("trailingRise", new() { TrailingRiseCondition = new() { Type = TrailingRiseCondition_type.TrailingRise, Percent = 60 } }),
    ("step", new() { StepCondition = new() { Type = StepCondition_type.Step, Amount = Math.Round(price, 2) } }),
};
var created = new List<AlertRuleView>();
foreach (var (name, condition) in conditions)
{
    var rule = await client.Api.Alerts.PostAsync(new AlertRuleRequest
    {
        Symbol = "AAPL",
        Name = $"kiota {name}",
        Condition = condition,
        Frequency = new FrequencyRequest { Type = FrequencyRequest_type.EveryTime, CooldownSeconds = 60 },
        Channels = [AlertRuleRequest_channels.Live],
    });
    Check(rule?.Condition?.Type?.ToString() is { } type && type.Equals(name, StringComparison.OrdinalIgnoreCase), $"a {name} rule is created as {name}");
    created.Add(rule!);
}

var page = await client.Api.Alerts.GetAsync(request => request.QueryParameters.PageSize = 100);
Check(page?.Items?.Count == conditions.Length, $"the list holds the {conditions.Length} rules");

var paused = await client.Api.Alerts[created[0].Id!.Value].Pause.PostAsync();
Check(paused?.State == AlertRuleView_state.Paused, "a paused rule says paused");

try
{
    await client.Api.Alerts.PostAsync(new AlertRuleRequest
    {
        Symbol = "AAPL",
        Condition = new() { AboveCondition = new() { Type = AboveCondition_type.Above, Level = -5 } },
    });
    Check(false, "a negative level is refused");
}
catch (HttpValidationProblemDetails problem)
{
    Check(problem.ResponseStatusCode == 400 && problem.Errors?.AdditionalData.ContainsKey("condition.level") == true,
        "a negative level is refused with an error at condition.level");
}

var firing = await client.Api.Alerts.PostAsync(new AlertRuleRequest
{
    Symbol = "AAPL",
    Name = "kiota fires",
    Condition = new() { AboveCondition = new() { Type = AboveCondition_type.Above, Level = Math.Round(price / 10, 2) } },
    Frequency = new FrequencyRequest { Type = FrequencyRequest_type.Once },
    Channels = [AlertRuleRequest_channels.Live, AlertRuleRequest_channels.Push],
});
Check(firing?.Id is not null, "a rule that fires at once is created");

NotificationView? notification = null;
for (var attempt = 0; attempt < 120 && notification is null; attempt++)
{
    var inbox = await client.Api.Notifications.GetAsync();
    notification = inbox?.Items?.FirstOrDefault(item => item.RuleId == firing!.Id);
    if (notification is null)
    {
        await Task.Delay(500);
    }
}
Check(notification is not null, "the rule fired and its notification is listed");
var read = await client.Api.Notifications[notification!.Id!.Value].Read.PostAsync();
Check(read?.ReadAt is not null, "the notification can be marked read");
var detail = await client.Api.Notifications[notification.Id!.Value].GetAsync();
Check(detail?.Id == notification.Id && detail.Deliveries is not null, "one notification is shown with its deliveries (none here: no phone is registered)");
var fired = await client.Api.Alerts[firing!.Id!.Value].GetAsync();
Check(fired?.State == AlertRuleView_state.Triggered && fired.FireCount == 1, "the once-rule is triggered after one firing");

Console.WriteLine("scenario passed");
return 0;

static void Check(bool condition, string what)
{
    if (!condition)
    {
        Console.Error.WriteLine($"FAILED: {what}");
        Environment.Exit(1);
    }
    Console.WriteLine($"ok: {what}");
}

internal sealed class StaticToken(string token, string baseUrl) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new([new Uri(baseUrl).Host]);

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(token);
}
