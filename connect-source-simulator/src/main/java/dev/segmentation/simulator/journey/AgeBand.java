package dev.segmentation.simulator.journey;

/**
 * An age band such as {@code 25-34}, the form the configured age distribution uses, or an open one such as
 * {@code 65+}, whose ages run to {@link #OPEN_BAND_HIGHEST}. The Streams stage names the bands of the ages it reads
 * 18-24, 25-34, ..., 55-64 and 65+, so the default distribution uses the same names.
 */
record AgeBand(int lowest, int highest) {

    /** The oldest age an open band such as {@code 65+} draws. */
    static final int OPEN_BAND_HIGHEST = 80;

    static AgeBand parse(String band) {
        String trimmed = band.trim();
        if (trimmed.endsWith("+")) {
            try {
                return checked(band, Integer.parseInt(trimmed.substring(0, trimmed.length() - 1)), OPEN_BAND_HIGHEST);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("age band '" + band + "' must look like 25-34 or 65+");
            }
        }
        String[] bounds = band.split("-");
        if (bounds.length != 2) {
            throw new IllegalArgumentException("age band '" + band + "' must look like 25-34");
        }
        try {
            return checked(band, Integer.parseInt(bounds[0].trim()), Integer.parseInt(bounds[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("age band '" + band + "' must look like 25-34");
        }
    }

    private static AgeBand checked(String band, int lowest, int highest) {
        if (lowest < 13 || highest > 120 || lowest > highest) {
            throw new IllegalArgumentException("age band '" + band + "' must lie within 13-120, lowest first");
        }
        return new AgeBand(lowest, highest);
    }
}
