package dev.segmentation.simulator.journey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A discrete distribution over a few values, drawn with one uniform number. Skewed weights are what make
 * segments differ from each other, which is the point of segmenting at all.
 *
 * <p>Distributions are configured as text, {@code value:weight} pairs separated by commas, for example
 * {@code en:45,es:20,de:12}. Weights are relative; they need not sum to 100.
 */
public final class Weighted {

    private final List<String> values;
    private final double[] cumulative;

    private Weighted(Map<String, Double> weights) {
        values = List.copyOf(weights.keySet());
        cumulative = new double[values.size()];
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double running = 0;
        for (int i = 0; i < values.size(); i++) {
            running += weights.get(values.get(i)) / total;
            cumulative[i] = running;
        }
    }

    /**
     * Parses {@code value:weight,value:weight,...}.
     *
     * @throws IllegalArgumentException saying what is wrong with the text, for the config validator to report
     */
    public static Weighted parse(String spec) {
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            String trimmed = pair.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("'" + trimmed + "' is not of the form value:weight");
            }
            String value = trimmed.substring(0, colon).trim();
            double weight;
            try {
                weight = Double.parseDouble(trimmed.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the weight of '" + value + "' is not a number");
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("the weight of '" + value + "' must be a positive number");
            }
            if (weights.put(value, weight) != null) {
                throw new IllegalArgumentException("'" + value + "' appears twice");
            }
        }
        return new Weighted(weights);
    }

    /** The values in the order they were configured. */
    public List<String> values() {
        return values;
    }

    /** The probability of the value at the given position. */
    public double probability(int position) {
        return cumulative[position] - (position == 0 ? 0 : cumulative[position - 1]);
    }

    String draw(SplittableRandom random) {
        return values.get(drawPosition(random));
    }

    /** Draws the position of a value rather than the value. */
    int drawPosition(SplittableRandom random) {
        double u = random.nextDouble();
        for (int i = 0; i < cumulative.length - 1; i++) {
            if (u < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }

    /** The values as {@code value:weight} text, weights in percent; parses back to the same distribution. */
    @Override
    public String toString() {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            pairs.add(values.get(i) + ":" + Math.round(probability(i) * 10_000) / 100.0);
        }
        return String.join(",", pairs);
    }
}
