package dev.segmentation.simulator.journey;

/**
 * What a simulated user registered with, and how engaged they are.
 *
 * @param userId     the user's id, unique within the simulation
 * @param engagement between 0 and 1: how likely the user is to come back and to buy; never sent, it only
 *                   shapes the journeys
 */
public record UserProfile(String userId, int age, String emailDomain, char emailInitial, String preferredLanguage,
                          String country, String acquisitionChannel, String device, double engagement) {
}
