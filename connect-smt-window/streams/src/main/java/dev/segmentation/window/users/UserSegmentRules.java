package dev.segmentation.window.users;

/**
 * The thresholds of the lifecycle and value segments, all on event time, and the rules that apply them. Both
 * segments change with time alone (a user drifts to at-risk without any event), so the rules also say when the
 * next such change is due.
 *
 * @param newMs            how long after registration a user is new
 * @param atRiskAfterMs    inactivity after which a user is at risk
 * @param dormantAfterMs   inactivity after which a user is dormant; longer than {@code atRiskAfterMs}
 * @param valueRecencyMs   time after the last check-out at which a buyer has lapsed
 * @param highOrders       check-outs that meet the frequency bar
 * @param highRevenueCents revenue that meets the monetary bar
 */
public record UserSegmentRules(long newMs, long atRiskAfterMs, long dormantAfterMs, long valueRecencyMs,
                               int highOrders, long highRevenueCents) {

    /** The lifecycle segment at event time {@code now}. */
    Lifecycle lifecycle(UserState user, long now) {
        if (user.registeredBy(now) && now - user.registeredAt < newMs) {
            return Lifecycle.NEW;
        }
        long idle = now - user.lastActivity;
        if (idle < atRiskAfterMs) {
            return Lifecycle.ACTIVE;
        }
        return idle < dormantAfterMs ? Lifecycle.AT_RISK : Lifecycle.DORMANT;
    }

    /** The value segment at event time {@code now}. */
    ValueSegment value(UserState user, long now) {
        if (user.checkOuts == 0) {
            return ValueSegment.NONE;
        }
        if (now - user.lastCheckOut >= valueRecencyMs) {
            return ValueSegment.LAPSED;
        }
        boolean frequent = user.checkOuts >= highOrders;
        boolean big = user.revenueCents >= highRevenueCents;
        if (frequent && big) {
            return ValueSegment.HIGH;
        }
        return frequent || big ? ValueSegment.MEDIUM : ValueSegment.LOW;
    }

    /** The earliest event time after {@code now} at which either segment changes without a new event, or NONE. */
    long nextChange(UserState user, long now) {
        long next = UserState.NO_DUE;
        if (user.registeredAt != UserState.NONE) {
            next = laterThan(now, user.registeredAt + newMs, next);
        }
        next = laterThan(now, user.lastActivity + atRiskAfterMs, next);
        next = laterThan(now, user.lastActivity + dormantAfterMs, next);
        if (user.checkOuts > 0) {
            next = laterThan(now, user.lastCheckOut + valueRecencyMs, next);
        }
        return next;
    }

    private static long laterThan(long now, long candidate, long current) {
        return candidate > now && candidate < current ? candidate : current;
    }
}
