using System.Text;
using StockAlerts.Modules.Prices.StreamPrices;

namespace StockAlerts.Tests.Prices;

/// <summary>Finnhub's trades messages as the documentation and its clients show them, read into trades.</summary>
public sealed class FinnhubStreamProtocolTests
{
    private static readonly DateTime Now = new(2026, 1, 7, 19, 0, 0, DateTimeKind.Utc);
    private readonly FinnhubStreamProtocol protocol = new(null!, null!, null!);

    [Test]
    public void ATradeBatch_GivesEveryTrade_WithItsMillisecondTime()
    {
        var message = Read("""{"type":"trade","data":[{"s":"AAPL","p":227.51,"t":1767812401123,"v":100,"c":["1","12"]},{"s":"MSFT","p":412.2,"t":1767812401150,"v":5,"c":null},{"s":"AAPL","p":227.52,"v":5}]}""");

        Assert.That(message!.Trades.Select(trade => (trade.Symbol, trade.Price)), Is.EqualTo(new[] { ("AAPL", 227.51m), ("MSFT", 412.2m), ("AAPL", 227.52m) }));
        Assert.That(message.Trades[0].ProviderTime, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1767812401123).UtcDateTime));
        Assert.That(message.Trades[2].ProviderTime, Is.EqualTo(Now), "a trade without a time counts as received now");
    }

    [Test]
    public void APingAndAnError_AreUnderstood_AndCarryNoTrade()
    {
        Assert.That(Read("""{"type":"ping"}""")!.Trades, Is.Empty);
        Assert.That(Read("""{"msg":"Invalid symbol FX:EURUSD","type":"error"}""")!.Error, Is.EqualTo("Invalid symbol FX:EURUSD"));
    }

    [TestCase("not json")]
    [TestCase("""{"type":"news"}""")]
    [TestCase("""{"data":[]}""")]
    public void AMessageThatIsNoneOfThose_IsNull(string text) => Assert.That(Read(text), Is.Null);

    [Test]
    public void TradesWithoutASymbolOrAPositivePrice_AreSkipped() =>
        Assert.That(Read("""{"type":"trade","data":[{"p":1},{"s":"A","p":"1"},{"s":"B","p":0},{"s":"C","p":-2},5,{"s":"ok","p":3}]}""")!.Trades.Select(trade => trade.Symbol),
            Is.EqualTo(new[] { "OK" }));

    [Test]
    public void Subscribing_IsTheDocumentedMessage() =>
        Assert.That(Encoding.UTF8.GetString(protocol.Subscribe("AAPL")), Is.EqualTo("""{"type":"subscribe","symbol":"AAPL"}"""));

    private StreamMessage? Read(string text) => protocol.Read(Encoding.UTF8.GetBytes(text), Now);
}
