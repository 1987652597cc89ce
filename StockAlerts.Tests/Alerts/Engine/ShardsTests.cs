using StockAlerts.Modules.Alerts.Engine;

namespace StockAlerts.Tests.Alerts.Engine;

public sealed class ShardsTests
{
    private static readonly string[] Three = ["host-a-101-1f2e3d4c", "host-b-202-5a6b7c8d", "host-c-303-9e0f1a2b"];

    [Test]
    public void EveryShard_HasExactlyOneOwner_AndTheSharesAreEven()
    {
        var masks = Three.Select(member => Shards.OwnedBy(member, Three)).ToList();

        Assert.That(masks.Aggregate(0UL, (all, mask) => all | mask), Is.EqualTo(Shards.All));
        Assert.That(masks.Sum(Shards.CountOf), Is.EqualTo(Shards.Count), "no shard owned twice");
        Assert.That(masks.Select(Shards.CountOf), Is.All.InRange(12, 32), "about a third each");
    }

    [Test]
    public void AMemberJoining_TakesOnlyShardsFromOthers_AndMovesNoOtherShard()
    {
        var four = Three.Append("host-d-404-3c4d5e6f").ToList();

        for (var shard = 0; shard < Shards.Count; shard++)
        {
            var before = Shards.OwnerOf(shard, Three);
            var after = Shards.OwnerOf(shard, four);
            Assert.That(after == before || after == four[3], Is.True, $"shard {shard} moved from {before} to {after}");
        }
        Assert.That(Shards.CountOf(Shards.OwnedBy(four[3], four)), Is.InRange(8, 26), "the newcomer takes about a quarter");
    }

    [Test]
    public void AMemberLeaving_HandsOnlyItsOwnShardsOn()
    {
        var two = Three.Take(2).ToList();

        for (var shard = 0; shard < Shards.Count; shard++)
        {
            var before = Shards.OwnerOf(shard, Three);
            if (before != Three[2])
            {
                Assert.That(Shards.OwnerOf(shard, two), Is.EqualTo(before), $"shard {shard} of a member that stayed moved");
            }
        }
    }

    [Test]
    public void AloneAMemberOwnsEveryShard_AndTheOrderOfMembersDoesNotMatter()
    {
        Assert.That(Shards.OwnedBy(Three[0], [Three[0]]), Is.EqualTo(Shards.All));
        Assert.That(Shards.OwnedBy(Three[1], Three.Reverse().ToList()), Is.EqualTo(Shards.OwnedBy(Three[1], Three)));
    }

    [Test]
    public void ASymbolsShard_IsStableAndIgnoresCase()
    {
        // Stored with every rule: a change here would put rules in the wrong shard until they are worked out again.
        Assert.That(Shards.Of("EURUSD"), Is.EqualTo(Shards.Of("eurusd")));
        Assert.That(new[] { "AAPL", "EURUSD", "TSLA" }.Select(Shards.Of), Is.EqualTo(new[] { Shards.Of("AAPL"), Shards.Of("EURUSD"), Shards.Of("TSLA") }));
        Assert.That(Enumerable.Range(0, 2000).Select(index => Shards.Of($"SYM{index}")).Distinct().Count(), Is.EqualTo(Shards.Count), "symbols spread over every shard");
    }

    [Test]
    public void MembersJoiningOneByOne_PickNamesThatShareTheRulesEvenly()
    {
        // Uneven shards, as symbols' popularity makes them.
        var rules = Enumerable.Range(0, Shards.Count).Select(shard => (long)(1000 + shard * 7919 % 900)).ToList();
        var chosen = new List<string>();
        var firstCandidates = new List<string>();
        for (var joiner = 0; joiner < 3; joiner++)
        {
            var candidates = Enumerable.Range(0, 64).Select(index => $"host-{joiner}-{1000 + joiner}-{index * 2654435761u:x8}").ToList();
            chosen.Add(Shards.MostEven(chosen, candidates, rules));
            firstCandidates.Add(candidates[0]);
        }
        var even = rules.Sum() / 3.0;

        Assert.That(LargestShare(chosen, rules) / even, Is.LessThan(1.04), "within a few percent of a third each");
        Assert.That(LargestShare(firstCandidates, rules) / even, Is.GreaterThan(LargestShare(chosen, rules) / even), "names taken as they come share less evenly");
    }

    private static long LargestShare(List<string> members, List<long> rules) =>
        members.Max(member => Shards.In(Shards.OwnedBy(member, members)).Sum(shard => rules[shard]));

    [Test]
    public void AReadyMember_KeepsWhatAJoinerWillTake_UntilTheJoinerIsReady_AndTakesNothingElseOfIt()
    {
        var joiner = "host-d-404-3c4d5e6f";
        var all = Three.Append(joiner).ToList();
        var owned = Shards.OwnedBy(Three[0], Three);
        var joinersShare = Shards.OwnedBy(joiner, all);

        var whileJoining = ClusterShards.Target(Three[0], Three, all, owned);
        var onceReady = ClusterShards.Target(Three[0], all, all, whileJoining);
        var startedTogether = ClusterShards.Target(Three[0], [Three[0]], all, Shards.OwnedBy(Three[0], all));

        Assert.That(whileJoining, Is.EqualTo(owned), "nothing moves before the joiner serves");
        Assert.That(onceReady, Is.EqualTo(owned & ~joinersShare), "then exactly the joiner's share goes");
        Assert.That(startedTogether, Is.EqualTo(Shards.OwnedBy(Three[0], all)), "a joiner's share nobody held is not read by the first ready instance");
    }
}
