package dev.segmentation.simulator.journey;

/** The configured distributions of the attributes users register with; segments are built from them. */
public record ProfileDistributions(Weighted ageBands, Weighted languages, Weighted emailDomains, Weighted countries,
                                   Weighted channels, Weighted devices) {

    /** Checks that every age band parses, so a bad band is refused at configuration time. */
    public ProfileDistributions {
        ageBands.values().forEach(AgeBand::parse);
    }
}
