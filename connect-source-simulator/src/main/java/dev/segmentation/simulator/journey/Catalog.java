package dev.segmentation.simulator.journey;

import java.util.SplittableRandom;

/**
 * The shop's items. An item's category and price are a pure function of the seed and its number, so every
 * view and cart line of an item agrees on them; a few items are far more popular than the rest.
 */
final class Catalog {

    static final int SIZE = 2_000;
    private static final long CATALOG_STREAM = 0x5EED_0002L;
    private static final String[] CATEGORIES = {"electronics", "fashion", "home", "beauty", "sports", "books",
        "toys", "grocery"};
    /** Typical price per category, in cents, in the order above. */
    private static final long[] TYPICAL_PRICE_CENTS = {24_900, 5_900, 7_900, 2_900, 4_900, 1_900, 3_500, 900};

    private final long seed;
    /** Items built so far, by number: views and carts draw the same few items over and over. */
    private final Item[] items = new Item[SIZE];

    Catalog(long seed) {
        this.seed = seed;
    }

    /** Draws an item by popularity: low item numbers are the bestsellers. */
    Item draw(SplittableRandom random) {
        double u = random.nextDouble();
        return item((int) (SIZE * u * u * u));
    }

    Item item(int number) {
        Item item = items[number];
        if (item == null) {
            item = build(number);
            items[number] = item;
        }
        return item;
    }

    private Item build(int number) {
        SplittableRandom random = Randoms.of(seed, 0, CATALOG_STREAM, number);
        int category = random.nextInt(CATEGORIES.length);
        // Prices spread from a third to three times the typical one, rounded to end in 99 cents.
        double factor = Math.exp((random.nextDouble() * 2 - 1) * Math.log(3));
        long price = Math.max(99, Math.round(TYPICAL_PRICE_CENTS[category] * factor / 100.0) * 100 - 1);
        return new Item("i" + number, CATEGORIES[category], price);
    }

    record Item(String id, String category, long priceCents) {
    }
}
