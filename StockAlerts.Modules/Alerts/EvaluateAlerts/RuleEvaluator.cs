namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// The per-rule semantics shared by RuleIndex and NaiveScan; they differ only in which rules they visit.
internal static class RuleEvaluator
{
    public const int RunawayFiringLimit = 15;

    public static readonly TimeSpan RunawayWindow = TimeSpan.FromMinutes(3);

    public static void Admit(RuleSlot slot, MarketState market, bool restored)
    {
        EnsureWindow(slot.Rule, market);
        AttachSeries(slot, market);
        if (!restored)
        {
            Reset(slot, market);
            return;
        }

        var runtime = slot.Runtime;
        Seed(slot, market.LastFreshPrice ?? slot.Rule.Condition.ReferencePrice);
        if (slot.Rule.Paused)
        {
            SetState(runtime, RuleState.Paused, RuleStateReasons.Paused);
        }
        else if ((runtime.State is RuleState.Active or RuleState.Pending or RuleState.NoData) && !market.HasFreshPrice)
        {
            runtime.PendingSince = null;
            SetState(runtime, RuleState.NoData, RuleStateReasons.NoFreshPrice);
        }
        else if ((runtime.State is RuleState.Active or RuleState.Pending or RuleState.NoData) && IsWarmingUp(slot))
        {
            runtime.PendingSince = null;
            SetState(runtime, RuleState.NoData, RuleStateReasons.WarmingUp);
        }
        else if (runtime.State == RuleState.NoData)
        {
            SetState(runtime, RuleState.Active, null);
        }
    }

    public static void Edit(RuleSlot slot, MarketState market)
    {
        slot.Runtime.Direction = null;
        slot.Runtime.ReferencePrice = null;
        EnsureWindow(slot.Rule, market);
        AttachSeries(slot, market);
        Reset(slot, market);
        slot.Runtime.Version++;
    }

    /// <summary>The user's re-arm: armed again, with a fresh count for maxFires.</summary>
    public static void Rearm(RuleSlot slot, MarketState market)
    {
        slot.Runtime.MaxFiresCountedFrom = slot.Runtime.FireCount;
        Reset(slot, market);
        slot.Runtime.Version++;
    }

    public static void MarkNoData(RuleSlot slot, DateTime time, ICollection<RuleStateChange>? changes)
    {
        if (slot.Runtime.State is RuleState.Active or RuleState.Pending)
        {
            slot.Runtime.PendingSince = null;
            Transition(slot, RuleState.NoData, RuleStateReasons.StaleData, time, changes);
        }
    }

    public static void Resume(RuleSlot slot, decimal price, DateTime time, ICollection<RuleStateChange>? changes)
    {
        if (slot.Runtime.State != RuleState.NoData)
        {
            return;
        }

        if (IsWarmingUp(slot))
        {
            Transition(slot, RuleState.NoData, RuleStateReasons.WarmingUp, time, changes);
            return;
        }

        Seed(slot, price);
        Transition(slot, RuleState.Active, null, time, changes);
    }

    /// <summary>Expiry and re-arm by time; without a price yet (null) a re-arm waits for one.</summary>
    public static void ApplyDeadlines(RuleSlot slot, DateTime time, decimal? price, ICollection<RuleStateChange>? changes)
    {
        var runtime = slot.Runtime;
        if (runtime.State is RuleState.Paused or RuleState.Expired)
        {
            return;
        }

        if (slot.Rule.ExpiresAt <= time)
        {
            runtime.PendingSince = null;
            Transition(slot, RuleState.Expired, RuleStateReasons.Expired, time, changes);
        }
        else if (RearmDueAt(slot) <= time && price is { } current)
        {
            Rearm(slot, current, RuleStateReasons.RearmedByTime, time, changes);
        }
    }

    /// <summary>
    /// A pending rule whose confirmation time is up while no new price came: the condition held at the last fresh
    /// price and nothing has contradicted it, so it fires now, at that price (unless the schedule or frequency no
    /// longer allow it).
    /// </summary>
    public static FiringCandidate? ConfirmByTime(RuleSlot slot, DateTime time, MarketState market, ICollection<RuleStateChange>? changes)
    {
        var rule = slot.Rule;
        var runtime = slot.Runtime;
        if (runtime.State != RuleState.Pending || runtime.PendingSince is not { } since || time - since < TimeSpan.FromSeconds(rule.ConfirmationSeconds)
            || !market.HasFreshPrice || market.LastFreshPrice is not { } price)
        {
            return null;
        }

        var observation = ConditionObserver.Observe(rule, runtime, price, price, market);
        var scheduled = IsScheduled(rule, time);
        if (!observation.Holds || !scheduled || !FrequencyGate.Allows(rule, runtime, time))
        {
            runtime.PendingSince = null;
            Transition(slot, RuleState.Active, scheduled ? RuleStateReasons.ConfirmationLost : RuleStateReasons.OutsideSchedule, time, changes);
            return null;
        }

        return Fire(slot, price, observation.ComparedValue, time);
    }

    public static void ApplyPriceBand(RuleSlot slot, decimal price, DateTime time, ICollection<RuleStateChange>? changes)
    {
        if (slot.Runtime.State is RuleState.Paused or RuleState.Expired || !IsLatched(slot))
        {
            return;
        }

        if (RearmBand.For(slot.Rule, slot.Runtime).Contains(price))
        {
            Rearm(slot, price, RuleStateReasons.RearmedByPrice, time, changes);
        }
    }

    public static bool IsLatched(RuleSlot slot) =>
        slot.Runtime.State == RuleState.Triggered
        || (ConditionTraits.IsLevelEdge(slot.Rule.Condition.Type) && !slot.Runtime.Armed);

    public static DateTime? NextDeadline(RuleSlot slot)
    {
        if (slot.Runtime.State is RuleState.Paused or RuleState.Expired)
        {
            return null;
        }

        var expiresAt = slot.Rule.ExpiresAt;
        var rearmAt = RearmDueAt(slot);
        if (expiresAt is not { } expiry)
        {
            return rearmAt;
        }

        return rearmAt is { } rearm && rearm < expiry ? rearm : expiry;
    }

    public static FiringCandidate? Evaluate(RuleSlot slot, PriceTick tick, decimal? previous, MarketState market, ICollection<RuleStateChange>? changes)
    {
        var rule = slot.Rule;
        var runtime = slot.Runtime;
        if (runtime.State is not (RuleState.Active or RuleState.Pending))
        {
            return null;
        }

        var price = tick.Price;
        var time = tick.Time;
        Track(rule, runtime, price);
        var observation = ConditionObserver.Observe(rule, runtime, price, previous, market);
        // A crossing either way remembers which way it went once it counts: that is what a confirmation waits on
        // and what the message says. A crossing back while confirming starts the wait again, the other way.
        var crossing = rule.Condition.Type == ConditionType.Crosses && observation.Event ? observation.Crossing : null;
        if (runtime.State == RuleState.Pending && crossing is { } turned && turned != runtime.Direction)
        {
            runtime.Direction = turned;
            runtime.PendingSince = time;
        }

        if (!observation.Holds && ConditionTraits.RearmsWhenConditionClears(rule.Condition.Type))
        {
            runtime.Armed = true;
        }

        if (runtime.State == RuleState.Pending)
        {
            var scheduled = IsScheduled(rule, time);
            if (!observation.Holds || !scheduled || !FrequencyGate.Allows(rule, runtime, time))
            {
                runtime.PendingSince = null;
                Transition(slot, RuleState.Active, scheduled ? RuleStateReasons.ConfirmationLost : RuleStateReasons.OutsideSchedule, time, changes);
                return null;
            }

            var since = runtime.PendingSince ??= time;
            return time - since < TimeSpan.FromSeconds(rule.ConfirmationSeconds)
                ? null
                : Fire(slot, price, observation.ComparedValue, time);
        }

        if (!observation.Event || !IsScheduled(rule, time) || !FrequencyGate.Allows(rule, runtime, time))
        {
            return null;
        }

        runtime.Direction = crossing ?? runtime.Direction;

        if (rule.ConfirmationSeconds > 0)
        {
            runtime.PendingSince = time;
            Transition(slot, RuleState.Pending, RuleStateReasons.Confirming, time, changes);
            return null;
        }

        return Fire(slot, price, observation.ComparedValue, time);
    }

    private static FiringCandidate Fire(RuleSlot slot, decimal price, decimal compared, DateTime time)
    {
        var rule = slot.Rule;
        var runtime = slot.Runtime;
        var reading = rule.Condition.Indicator is { } indicator && runtime.Series is { } series
            ? indicator.OnBarClose ? series.Closed : series.Live
            : null;
        // Judged at bar close, a rule fires at the close it judged, not at the price that happened to close the bar.
        if (rule.Condition.Indicator is { OnBarClose: true } && reading is { } closed)
        {
            price = closed.Price;
        }

        var type = rule.Condition.Type;
        runtime.PendingSince = null;
        runtime.FireCount++;
        runtime.LastFiredAt = time;
        runtime.LastFiredPrice = price;
        runtime.Version++;
        // Saving this firing moves the stored version on by one: what follows in memory builds on that.
        var storedVersion = runtime.StoredVersion++;
        runtime.RecentFirings.Enqueue(time);
        while (runtime.RecentFirings.Peek() <= time - RunawayWindow)
        {
            runtime.RecentFirings.Dequeue();
        }

        // A crossing either way has no re-arm margin: the crossing back is the next alert.
        if ((ConditionTraits.IsLevelEdge(type) && type != ConditionType.Crosses && rule.HysteresisMargin is not null) || ConditionTraits.RearmsWhenConditionClears(type))
        {
            runtime.Armed = false;
        }

        if (ConditionTraits.IsTrailing(type))
        {
            runtime.TrailingExtreme = price;
        }

        if (type == ConditionType.Step)
        {
            runtime.StepAnchor = price;
        }

        if (rule.Frequency.MaxFires is { } maximum && runtime.FiresCountedForMax >= maximum)
        {
            SetState(runtime, RuleState.Expired, RuleStateReasons.MaxFires);
        }
        else if (runtime.RecentFirings.Count > RunawayFiringLimit)
        {
            SetState(runtime, RuleState.Paused, RuleStateReasons.Runaway);
        }
        else if (rule.Frequency.Type == FrequencyType.Once)
        {
            SetState(runtime, RuleState.Triggered, RuleStateReasons.Fired);
        }
        else
        {
            SetState(runtime, RuleState.Active, null);
        }

        return new FiringCandidate(rule, price, compared, time)
        {
            Sequence = runtime.FireCount,
            Version = runtime.Version,
            StoredVersion = storedVersion,
            State = runtime.State,
            Reason = runtime.Reason,
            Direction = ConditionTraits.Direction(rule, runtime),
            Reading = reading,
        };
    }

    private static bool IsScheduled(AlertRule rule, DateTime time) => rule.Schedule?.Contains(time) ?? true;

    private static void Track(AlertRule rule, RuleRuntime runtime, decimal price)
    {
        switch (rule.Condition.Type)
        {
            case ConditionType.TrailingDrawdown:
                runtime.TrailingExtreme = Math.Max(runtime.TrailingExtreme ?? price, price);
                break;
            case ConditionType.TrailingRise:
                runtime.TrailingExtreme = Math.Min(runtime.TrailingExtreme ?? price, price);
                break;
            case ConditionType.Step:
                runtime.StepAnchor ??= price;
                break;
        }
    }

    private static void Reset(RuleSlot slot, MarketState market)
    {
        var rule = slot.Rule;
        var runtime = slot.Runtime;
        var seed = market.LastFreshPrice ?? rule.Condition.ReferencePrice;
        Arm(runtime, seed);
        Seed(slot, seed);
        runtime.RecentFirings.Clear();
        if (rule.Paused)
        {
            SetState(runtime, RuleState.Paused, RuleStateReasons.Paused);
        }
        else if (rule.Frequency.MaxFires is { } maximum && runtime.FiresCountedForMax >= maximum)
        {
            SetState(runtime, RuleState.Expired, RuleStateReasons.MaxFires);
        }
        else if (!market.HasFreshPrice)
        {
            SetState(runtime, RuleState.NoData, RuleStateReasons.NoFreshPrice);
        }
        else if (IsWarmingUp(slot))
        {
            SetState(runtime, RuleState.NoData, RuleStateReasons.WarmingUp);
        }
        else
        {
            SetState(runtime, RuleState.Active, null);
        }
    }

    /// <summary>An indicator condition whose indicators have not seen enough closed bars yet.</summary>
    public static bool IsWarmingUp(RuleSlot slot) => slot.Runtime.Series is { Ready: false };

    private static void AttachSeries(RuleSlot slot, MarketState market) =>
        slot.Runtime.Series = slot.Rule.Condition.Indicator is { } indicator
            ? market.IndicatorsFor(indicator.DayZone).Ensure(indicator, slot.Rule.Condition.Type)
            : null;

    private static void Rearm(RuleSlot slot, decimal price, string reason, DateTime time, ICollection<RuleStateChange>? changes)
    {
        Arm(slot.Runtime, price);
        if (slot.Runtime.State == RuleState.Triggered)
        {
            Transition(slot, RuleState.Active, reason, time, changes);
        }
    }

    private static void Arm(RuleRuntime runtime, decimal? price)
    {
        runtime.Armed = true;
        runtime.PendingSince = null;
        runtime.TrailingExtreme = price;
        runtime.StepAnchor = price;
    }

    private static void Seed(RuleSlot slot, decimal? price)
    {
        if (price is not { } value)
        {
            return;
        }

        var runtime = slot.Runtime;
        runtime.ReferencePrice ??= value;
        runtime.TrailingExtreme ??= value;
        runtime.StepAnchor ??= value;
    }

    private static DateTime? RearmDueAt(RuleSlot slot) =>
        IsLatched(slot) && slot.Rule.RearmAfterSeconds is { } seconds && slot.Runtime.LastFiredAt is { } firedAt
            ? firedAt.AddSeconds(seconds)
            : null;

    private static void EnsureWindow(AlertRule rule, MarketState market)
    {
        if (ConditionTraits.NeedsWindow(rule.Condition.Type) && rule.Condition.WindowMinutes is { } minutes)
        {
            market.EnsureWindow(minutes);
        }
    }

    private static void Transition(RuleSlot slot, RuleState state, string? reason, DateTime time, ICollection<RuleStateChange>? changes)
    {
        var runtime = slot.Runtime;
        if (runtime.State == state && runtime.Reason == reason)
        {
            return;
        }

        SetState(runtime, state, reason);
        runtime.Version++;
        changes?.Add(new RuleStateChange(slot.Rule.Id, state, reason, runtime.Version, time) { StoredVersion = runtime.StoredVersion });
    }

    private static void SetState(RuleRuntime runtime, RuleState state, string? reason)
    {
        runtime.State = state;
        runtime.Reason = reason;
    }
}
