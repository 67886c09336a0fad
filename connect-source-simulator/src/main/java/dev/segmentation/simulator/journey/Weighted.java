package dev.segmentation.simulator.journey;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A discrete distribution over a few values, drawn with one uniform number. Skewed weights are what make
 * segments differ from each other, which is the point of segmenting at all.
 */
final class Weighted<T> {

    private final List<T> values;
    private final double[] cumulative;

    private Weighted(Map<T, Double> weights) {
        values = List.copyOf(weights.keySet());
        cumulative = new double[values.size()];
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double running = 0;
        for (int i = 0; i < values.size(); i++) {
            running += weights.get(values.get(i)) / total;
            cumulative[i] = running;
        }
    }

    /** A distribution from alternating value and weight arguments, e.g. {@code of("en", 0.5, "de", 0.5)}. */
    @SuppressWarnings("unchecked")
    static <T> Weighted<T> of(Object... valueWeightPairs) {
        Map<T, Double> weights = new LinkedHashMap<>();
        for (int i = 0; i < valueWeightPairs.length; i += 2) {
            weights.put((T) valueWeightPairs[i], ((Number) valueWeightPairs[i + 1]).doubleValue());
        }
        return new Weighted<>(weights);
    }

    T draw(SplittableRandom random) {
        double u = random.nextDouble();
        for (int i = 0; i < cumulative.length - 1; i++) {
            if (u < cumulative[i]) {
                return values.get(i);
            }
        }
        return values.get(values.size() - 1);
    }
}
