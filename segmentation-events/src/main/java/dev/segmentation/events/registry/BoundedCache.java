package dev.segmentation.events.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A least-recently-used map of at most a fixed number of entries. Ids and schemas never change once the registry
 * has assigned them, so a cached answer is never stale; the bound only protects a long-lived process against a
 * writer that registers a new schema for every record.
 */
final class BoundedCache<K, V> {

    private final Map<K, V> entries;

    BoundedCache(int maxEntries) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The cached value, or the loaded one, cached. The load runs outside the lock: it is a network call. */
    V get(K key, Function<K, V> load) {
        synchronized (entries) {
            V cached = entries.get(key);
            if (cached != null) {
                return cached;
            }
        }
        V loaded = load.apply(key);
        put(key, loaded);
        return loaded;
    }

    void put(K key, V value) {
        synchronized (entries) {
            entries.put(key, value);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
