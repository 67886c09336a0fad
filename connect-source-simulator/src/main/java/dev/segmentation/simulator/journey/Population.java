package dev.segmentation.simulator.journey;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The users of one task. User {@code n} is a pure function of the seed, the task and {@code n}, so any event
 * can name a user without the simulator keeping a list of them.
 */
final class Population {

    private static final long USER_STREAM = 0x5EED_0001L;

    private final JourneySettings settings;
    /** The configured age bands, parsed once: a returning user's profile is rebuilt at every session. */
    private final List<AgeBand> ageBands;

    Population(JourneySettings settings) {
        this.settings = settings;
        this.ageBands = settings.profiles().ageBandRanges();
    }

    String userId(long userIndex) {
        return "u" + settings.taskIndex() + "-" + userIndex;
    }

    UserProfile user(long userIndex) {
        SplittableRandom random = Randoms.of(settings.seed(), settings.taskIndex(), USER_STREAM, userIndex);
        ProfileDistributions profiles = settings.profiles();
        AgeBand band = ageBands.get(profiles.ageBands().drawPosition(random));
        int age = random.nextInt(band.lowest(), band.highest() + 1);
        String domain = profiles.emailDomains().draw(random);
        char initial = (char) ('a' + random.nextInt(26));
        String language = profiles.languages().draw(random);
        String country = profiles.countries().draw(random);
        String channel = profiles.channels().draw(random);
        String device = profiles.devices().draw(random);
        // Squaring makes most users casual and a few loyal, the long tail real shops see.
        double u = random.nextDouble();
        double engagement = 0.1 + 0.9 * u * u;
        return new UserProfile(userId(userIndex), age, domain, initial, language, country, channel, device,
                engagement);
    }
}
