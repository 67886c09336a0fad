package dev.segmentation.simulator.journey;

/**
 * Everything that shapes one task's journeys. Rates are this task's share of the connector's.
 *
 * @param registrationsPerHour     mean new users per simulated hour
 * @param returningSessionsPerHour mean sessions of already registered users per simulated hour
 * @param meanViewsPerSession      mean item views per session, at least 1
 * @param addToCartProbability     chance that a view leads to adding the item, for a user of average engagement
 * @param checkOutProbability      chance that a session with a cart ends in a check-out, likewise
 * @param signOutProbability       chance that a session ends with a sign-out rather than being abandoned
 */
public record JourneySettings(long seed, int taskIndex, double registrationsPerHour,
                              double returningSessionsPerHour, double meanViewsPerSession,
                              double addToCartProbability, double checkOutProbability, double signOutProbability,
                              ProfileDistributions profiles, Imperfections imperfections) {

    /** Mean simulated time between two session starts, registrations included. */
    double meanSessionGapMs() {
        return 3_600_000.0 / (registrationsPerHour + returningSessionsPerHour);
    }

    /** Chance that a session is a new user's first. */
    double newUserShare() {
        return registrationsPerHour / (registrationsPerHour + returningSessionsPerHour);
    }
}
