package dev.segmentation.simulator.journey;

import java.util.List;

/** The configured distributions of the attributes users register with; segments are built from them. */
public record ProfileDistributions(Weighted ageBands, Weighted languages, Weighted emailDomains, Weighted countries,
                                   Weighted channels, Weighted devices) {

    /** Checks that every age band parses, so a bad band is refused at configuration time. */
    public ProfileDistributions {
        parseAgeBands(ageBands);
    }

    /** The age bands' ranges, in the order of {@link #ageBands()}'s values. */
    List<AgeBand> ageBandRanges() {
        return parseAgeBands(ageBands);
    }

    private static List<AgeBand> parseAgeBands(Weighted ageBands) {
        return ageBands.values().stream().map(AgeBand::parse).toList();
    }
}
