package dev.segmentation.simulator.journey;

/** An age band such as {@code 25-34}, the form the configured age distribution uses. */
record AgeBand(int lowest, int highest) {

    static AgeBand parse(String band) {
        String[] bounds = band.split("-");
        if (bounds.length != 2) {
            throw new IllegalArgumentException("age band '" + band + "' must look like 25-34");
        }
        try {
            int lowest = Integer.parseInt(bounds[0].trim());
            int highest = Integer.parseInt(bounds[1].trim());
            if (lowest < 13 || highest > 120 || lowest > highest) {
                throw new IllegalArgumentException("age band '" + band + "' must lie within 13-120, lowest first");
            }
            return new AgeBand(lowest, highest);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("age band '" + band + "' must look like 25-34");
        }
    }
}
