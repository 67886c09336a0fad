package dev.segmentation.window.metrics;

import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Just enough of a processor context to run one fixed-key processor over given stores and see what it forwards. */
final class FakeFixedKeyContext<K, V> implements FixedKeyProcessorContext<K, V> {

    final Map<String, StateStore> stores = new HashMap<>();
    final List<FixedKeyRecord<? extends K, ? extends V>> forwarded = new ArrayList<>();
    /** What {@link #currentSystemTimeMs()} answers. */
    long wallClockMs;
    /** The last wall-clock punctuator scheduled, for the test to call. */
    Punctuator wallClockPunctuator;

    @Override
    public <K1 extends K, V1 extends V> void forward(FixedKeyRecord<K1, V1> record) {
        forwarded.add(record);
    }

    @Override
    public <K1 extends K, V1 extends V> void forward(FixedKeyRecord<K1, V1> record, String childName) {
        forwarded.add(record);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S extends StateStore> S getStateStore(String name) {
        return (S) stores.get(name);
    }

    @Override
    public String applicationId() {
        return "test";
    }

    @Override
    public TaskId taskId() {
        return new TaskId(1, 0);
    }

    @Override
    public Optional<RecordMetadata> recordMetadata() {
        return Optional.empty();
    }

    @Override
    public Serde<?> keySerde() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Serde<?> valueSerde() {
        throw new UnsupportedOperationException();
    }

    @Override
    public File stateDir() {
        throw new UnsupportedOperationException();
    }

    @Override
    public StreamsMetrics metrics() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Cancellable schedule(Duration interval, PunctuationType type, Punctuator callback) {
        if (type != PunctuationType.WALL_CLOCK_TIME) {
            throw new UnsupportedOperationException("only wall-clock punctuation is faked");
        }
        wallClockPunctuator = callback;
        return () -> wallClockPunctuator = null;
    }

    @Override
    public Cancellable schedule(Instant startTime, Duration interval, PunctuationType type, Punctuator callback) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void commit() {
    }

    @Override
    public Map<String, Object> appConfigs() {
        return Map.of();
    }

    @Override
    public Map<String, Object> appConfigsWithPrefix(String prefix) {
        return Map.of();
    }

    @Override
    public long currentSystemTimeMs() {
        return wallClockMs;
    }

    @Override
    public long currentStreamTimeMs() {
        throw new UnsupportedOperationException("the detector keeps its own stream time");
    }
}
