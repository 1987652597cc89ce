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
        else if ((runtime.State is RuleState.Active or RuleState.Pending or RuleState.NoData) && !HasData(slot, market))
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

    /// <summary>
    /// Binds a compound rule's parts to their symbols' markets (with their series); called by the engine before
    /// Admit and Edit, since only it knows the other symbols' markets.
    /// </summary>
    public static void BindParts(RuleSlot slot, Func<string, MarketState> marketOf)
    {
        var rule = slot.Rule;
        if (rule.Condition.Compound is not { } compound)
        {
            slot.Runtime.Parts = null;
            return;
        }

        slot.Runtime.Parts = compound.Parts.Select(part =>
        {
            var market = marketOf(part.Symbol);
            var partRule = new AlertRule(rule.Id, rule.UserId, part.Symbol, part.Condition);
            var runtime = new RuleRuntime();
            AttachSeries(runtime, partRule, market);
            return new PartBinding(part, partRule, market, runtime);
        }).ToArray();
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
        // Armed by its user, a compound acts if its expression is true now, as a new rule would.
        slot.Runtime.CompoundHeld = false;
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

    /// <summary>Fresh prices again (ticking: the market whose price is arriving, not yet counted as fresh).</summary>
    public static void Resume(RuleSlot slot, decimal price, DateTime time, ICollection<RuleStateChange>? changes, MarketState? ticking = null)
    {
        if (slot.Runtime.State != RuleState.NoData)
        {
            return;
        }

        foreach (var part in slot.Runtime.Parts ?? [])
        {
            if (!part.Market.HasFreshPrice && !ReferenceEquals(part.Market, ticking))
            {
                // A compound waits for every one of its symbols.
                return;
            }
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
        if (runtime.Parts is { } parts)
        {
            // A compound is kept by every symbol it watches: whichever looks at it, the re-arm price is its first's.
            price = parts[0].Market.HasFreshPrice ? parts[0].Market.LastFreshPrice : null;
        }

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
        if (runtime.Parts is { } parts)
        {
            market = parts[0].Market;
        }

        if (runtime.State != RuleState.Pending || runtime.PendingSince is not { } since || time - since < TimeSpan.FromSeconds(rule.ConfirmationSeconds)
            || !HasData(slot, market) || market.LastFreshPrice is not { } price)
        {
            return null;
        }

        var observation = ConditionObserver.Observe(rule, runtime, price, price, market);
        Follow(runtime, observation);
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

    public static FiringCandidate? Evaluate(RuleSlot slot, decimal price, DateTime time, decimal? previous, MarketState market, ICollection<RuleStateChange>? changes)
    {
        var rule = slot.Rule;
        var runtime = slot.Runtime;
        if (runtime.State is not (RuleState.Active or RuleState.Pending))
        {
            return null;
        }

        Track(rule, runtime, price);
        var observation = ConditionObserver.Observe(rule, runtime, price, previous, market);
        Follow(runtime, observation);

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
                : Fire(slot, price, observation.ComparedValue, time, market);
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

        return Fire(slot, price, observation.ComparedValue, time, market);
    }

    private static FiringCandidate Fire(RuleSlot slot, decimal price, decimal compared, DateTime time, MarketState? firingMarket = null)
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

        // A compound fires at its first symbol's price; the message gives each part's.
        PartPrices? partPrices = null;
        if (runtime.Parts is { } parts)
        {
            var values = new decimal[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                values[i] = ReferenceEquals(parts[i].Market, firingMarket) ? price : parts[i].Market.LastFreshPrice ?? 0;
            }

            partPrices = new PartPrices(values);
            price = partPrices.Values[0];
        }

        var type = rule.Condition.Type;
        runtime.PendingSince = null;
        runtime.FireCount++;
        runtime.LastFiredAt = time;
        runtime.LastFiredPrice = price;
        runtime.Version++;
        // Saving this firing moves the stored version on by one: what follows in memory builds on that.
        var storedVersion = runtime.StoredVersion++;
        runtime.NoteFiring(time, time - RunawayWindow);

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
        else if (runtime.RecentFiringCount > RunawayFiringLimit)
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
            PartPrices = partPrices,
        };
    }

    // Every look at a compound's expression is what the next one compares with (the index looks only when a part may
    // have changed, so no look may go unrecorded).
    private static void Follow(RuleRuntime runtime, Observation observation)
    {
        if (runtime.Parts is not null)
        {
            runtime.CompoundHeld = observation.HeldAfter;
            runtime.CompoundDue = false;
        }
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
        runtime.CompoundDue = rule.Condition.Compound is not null;
        runtime.CompoundHeld = false;
        Seed(slot, seed);
        runtime.ForgetFirings();
        if (rule.Paused)
        {
            SetState(runtime, RuleState.Paused, RuleStateReasons.Paused);
        }
        else if (rule.Frequency.MaxFires is { } maximum && runtime.FiresCountedForMax >= maximum)
        {
            SetState(runtime, RuleState.Expired, RuleStateReasons.MaxFires);
        }
        else if (!HasData(slot, market))
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
    public static bool IsWarmingUp(RuleSlot slot)
    {
        if (slot.Runtime.Series is { Ready: false })
        {
            return true;
        }

        foreach (var part in slot.Runtime.Parts ?? [])
        {
            if (part.Runtime.Series is { Ready: false })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A fresh price for the rule's symbol, or for every symbol of a compound.</summary>
    private static bool HasData(RuleSlot slot, MarketState market)
    {
        if (slot.Runtime.Parts is not { } parts)
        {
            return market.HasFreshPrice;
        }

        foreach (var part in parts)
        {
            if (!part.Market.HasFreshPrice)
            {
                return false;
            }
        }

        return true;
    }

    private static void AttachSeries(RuleSlot slot, MarketState market) => AttachSeries(slot.Runtime, slot.Rule, market);

    private static void AttachSeries(RuleRuntime runtime, AlertRule rule, MarketState market) =>
        runtime.Series = rule.Condition.Indicator is { } indicator
            ? market.IndicatorsFor(indicator.DayZone).Ensure(indicator, rule.Condition.Type)
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

        // A compound coming back (fresh data, re-armed) was not followed meanwhile: it is looked at on the next price.
        if (state == RuleState.Active && runtime.Parts is not null && runtime.State is not (RuleState.Active or RuleState.Pending))
        {
            runtime.CompoundDue = true;
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
