package dev.segmentation.window.metrics;

import java.time.Clock;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.window.Segment;
import dev.segmentation.window.WindowSpec;

/**
 * Turns the final aggregate of a window and segment into one row per metric, each for its own topic. A metric
 * whose count is zero in the window gets no row; a window that saw only clock ticks gets none at all.
 */
final class FinalRowEmitter implements Processor<Windowed<Bytes>, WindowMetrics, GenericRecord, GenericRecord> {

    private static final Logger log = LoggerFactory.getLogger(FinalRowEmitter.class);
    private static final int ACTIVE_USERS = 0;
    private static final int VIEWERS = 1;
    private static final int CART_ADDERS = 2;
    private static final int BUYERS = 3;

    private final WindowSpec windows;
    private final Clock clock;
    private ProcessorContext<GenericRecord, GenericRecord> context;
    private SessionDurations durations;

    FinalRowEmitter(WindowSpec windows, Clock clock) {
        this.windows = windows;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<GenericRecord, GenericRecord> context) {
        this.context = context;
        this.durations = new SessionDurations(context.getStateStore(SessionDurations.STORE), windows);
    }

    @Override
    public void process(Record<Windowed<Bytes>, WindowMetrics> record) {
        Bytes segmentKey = record.key().key();
        WindowMetrics metrics = record.value();
        long start = record.key().window().start();
        long end = record.key().window().end();
        long window = windows.indexOfStart(start);
        int slot = windows.ringSlot(window);
        Segment segment = Segment.fromBytes(segmentKey.get());
        long emittedAt = clock.millis();
        long timestamp = record.timestamp();

        if (metrics.registrations > 0) {
            emit(MetricRows.REGISTRATIONS, segment, start, timestamp,
                    MetricRows.registrations(segment, start, end, emittedAt, metrics.registrations));
        }
        long activeUsers = metrics.distinct(ACTIVE_USERS, slot);
        if (activeUsers > 0) {
            emit(MetricRows.ACTIVE_USERS, segment, start, timestamp,
                    MetricRows.activeUsers(segment, start, end, emittedAt, activeUsers));
        }
        if (metrics.sessions > 0) {
            long p95 = durations.p95(segmentKey, window);
            if (p95 < 0) {
                // Cannot happen while the durations store outlives its windows; keep the row, flag the gap.
                log.warn("No session durations stored for {} in window {}; its 95th percentile is reported as -1",
                        segment, start);
            }
            emit(MetricRows.SESSIONS, segment, start, timestamp, MetricRows.sessions(segment, start, end, emittedAt,
                    metrics.sessions, metrics.sessionDurationMs, p95));
        }
        long viewers = metrics.distinct(VIEWERS, slot);
        long cartAdders = metrics.distinct(CART_ADDERS, slot);
        long buyers = metrics.distinct(BUYERS, slot);
        if (viewers > 0 || cartAdders > 0 || buyers > 0) {
            emit(MetricRows.FUNNEL, segment, start, timestamp,
                    MetricRows.funnel(segment, start, end, emittedAt, viewers, cartAdders, buyers));
        }
        if (metrics.orders > 0) {
            emit(MetricRows.REVENUE, segment, start, timestamp,
                    MetricRows.revenue(segment, start, end, emittedAt, metrics.revenueCents, metrics.orders));
        }
    }

    private void emit(String metric, Segment segment, long start, long timestamp, GenericRecord row) {
        context.forward(new Record<>(MetricRows.key(metric, segment, start), row, timestamp));
    }
}
