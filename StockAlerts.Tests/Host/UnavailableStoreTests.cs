using NUnit.Framework;
using StackExchange.Redis;
using StockAlerts.Web.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>
/// Which failures are a store that is briefly away (503 with Retry-After) and which are bugs (500). The cluster
/// fault test once got five 500s from a Redis just restarted and still loading its data ("LOADING ..."), and once
/// three from MariaDB stopped in the middle of an answer ("Failed to read the result set").
/// </summary>
public sealed class UnavailableStoreTests
{
    [TestCase(RedisErrorKind.Loading, "LOADING Redis is loading the dataset in memory")]
    [TestCase(RedisErrorKind.Busy, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")]
    [TestCase(RedisErrorKind.MasterDown, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    public void ARedisThatAnswersButCannotServeYet_IsTheCacheBeingAway(RedisErrorKind kind, string message) =>
        Assert.That(UnexpectedExceptionHandler.UnavailableStore(new InvalidOperationException("while handling", new RedisServerException(kind, CommandFlags.None, message))), Is.EqualTo("cache"));

    [Test]
    public void ARedisThatRefusesACommand_IsABug_NotAnOutage() =>
        Assert.That(UnexpectedExceptionHandler.UnavailableStore(new RedisServerException(RedisErrorKind.WrongType, CommandFlags.None, "WRONGTYPE Operation against a key holding the wrong kind of value")), Is.Null);

    [Test]
    public void ADatabaseConnectionBrokenInTheMiddleOfAnAnswer_IsTheDatabaseBeingAway() =>
        Assert.That(UnexpectedExceptionHandler.UnavailableStore(new ProviderException("Failed to read the result set.", new EndOfStreamException())), Is.EqualTo("database"));

    [Test]
    public void ADatabaseErrorOfTheStatementItself_IsABug_NotAnOutage() =>
        Assert.That(UnexpectedExceptionHandler.UnavailableStore(new ProviderException("You have an error in your SQL syntax", null)), Is.Null);

    [Test]
    public void ARedisConnectionThatFails_IsTheCacheBeingAway() =>
        Assert.That(UnexpectedExceptionHandler.UnavailableStore(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "no connection", null, CommandStatus.Unknown)), Is.EqualTo("cache"));

    // The shape MySqlConnector gives a broken read (its MySqlException cannot be made outside it): a DbException, not
    // marked transient, around the I/O error.
    private sealed class ProviderException(string message, Exception? inner) : System.Data.Common.DbException(message, inner);
}
