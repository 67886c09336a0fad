package dev.segmentation.simulator.journey;

import java.util.SplittableRandom;

import org.apache.kafka.connect.data.Struct;

/** Draws the attributes a user registers with, from skewed distributions. */
final class UserProfiles {

    /** Lower bounds of the age bands, each band up to the next bound; the last band ends at 80. */
    private static final Weighted<Integer> AGE_BAND_START = Weighted.of(18, 0.22, 25, 0.34, 35, 0.20, 45, 0.12,
            55, 0.08, 65, 0.04);
    private static final Weighted<String> LANGUAGE = Weighted.of("en", 0.45, "es", 0.20, "de", 0.12, "fr", 0.10,
            "pt", 0.08, "ja", 0.05);
    private static final Weighted<String> EMAIL_DOMAIN = Weighted.of("gmail.com", 0.42, "outlook.com", 0.18,
            "yahoo.com", 0.12, "icloud.com", 0.10, "proton.me", 0.05, "corp.example", 0.13);
    private static final Weighted<String> COUNTRY = Weighted.of("US", 0.35, "GB", 0.12, "DE", 0.12, "ES", 0.10,
            "FR", 0.10, "BR", 0.09, "IN", 0.07, "JP", 0.05);
    private static final Weighted<String> CHANNEL = Weighted.of("organic_search", 0.30, "paid_social", 0.22,
            "paid_search", 0.18, "referral", 0.15, "email", 0.10, "affiliate", 0.05);
    private static final Weighted<String> DEVICE = Weighted.of("mobile_ios", 0.35, "mobile_android", 0.35,
            "desktop", 0.25, "tablet", 0.05);
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    private UserProfiles() {
    }

    /** Fills the profile fields of a registration event. */
    static void fillRegistration(Struct registration, SplittableRandom random) {
        int bandStart = AGE_BAND_START.draw(random);
        int bandEnd = switch (bandStart) {
            case 18 -> 25;
            case 25 -> 35;
            case 35 -> 45;
            case 45 -> 55;
            case 55 -> 65;
            default -> 81;
        };
        String domain = EMAIL_DOMAIN.draw(random);
        registration.put("age", random.nextInt(bandStart, bandEnd))
                .put("email_masked", LETTERS.charAt(random.nextInt(LETTERS.length())) + "***@" + domain)
                .put("email_domain", domain)
                .put("preferred_language", LANGUAGE.draw(random))
                .put("country", COUNTRY.draw(random))
                .put("acquisition_channel", CHANNEL.draw(random))
                .put("device", DEVICE.draw(random));
    }
}
