package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class UserEventSourceTaskTest {

    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private static Map<String, String> config(String... keyValues) {
        Map<String, String> config = new HashMap<>(Map.of(
                "clock.start", "2026-01-01T00:00:00Z", "registrations.per.hour", "3600",
                "returning.sessions.per.hour", "0", "seed", "5"));
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return new TaskSlice(0, 1).taskConfig(config);
    }

    private static UserEventSourceTask started(MockTime time, FakeSourceTaskContext context, Map<String, String> config) {
        UserEventSourceTask task = new UserEventSourceTask(time);
        task.initialize(context);
        task.start(config);
        return task;
    }

    private static List<SourceRecord> drain(UserEventSourceTask task, int polls) throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < polls; i++) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                records.addAll(batch);
            }
        }
        return records;
    }

    @Test
    void acceleratedClockReleasesOnlyEventsThatAreDue() throws InterruptedException {
        MockTime time = new MockTime(0, START, 0);
        UserEventSourceTask task = started(time, new FakeSourceTaskContext(),
                config("clock", "accelerated", "clock.acceleration", "60", "batch.size", "100000"));

        List<SourceRecord> first = drain(task, 1);
        time.sleep(60_000); // one real minute = one simulated hour at 60x
        List<SourceRecord> second = drain(task, 1);

        assertThat(first).isNotEmpty().allSatisfy(r -> assertThat(r.timestamp()).isLessThanOrEqualTo(START));
        long dueUntil = START + 3_600_000L;
        assertThat(second).allSatisfy(r -> assertThat(r.timestamp()).isBetween(START, dueUntil));
        // 3600 registrations per hour: about one per simulated second, so an hour holds thousands.
        assertThat(second.stream().filter(r -> r.topic().equals("user_registration")).count()).isBetween(3000L, 4200L);
    }

    @Test
    void boundedBackfillSendsExactlyMaxEventsThenOneWatermarkPerOwnedPartitionAndTopicThenIdles()
            throws InterruptedException {
        MockTime time = new MockTime(0, START, 0);
        // Task 1 of 2 over 4 partitions owns partitions 1 and 3.
        Map<String, String> config = new HashMap<>(config("clock", "backfill", "clock.end", "2026-02-01T00:00:00Z",
                "max.events", "2500", "batch.size", "1000", "topic.partitions", "4"));
        config.putAll(new TaskSlice(1, 2).taskConfig(Map.of()));
        UserEventSourceTask task = started(time, new FakeSourceTaskContext(), config);

        List<SourceRecord> records = drain(task, 4);
        List<SourceRecord> events = records.subList(0, 2500);
        List<SourceRecord> watermarks = records.subList(2500, records.size());

        assertThat(task.poll()).isNull();
        assertThat(events).extracting(SourceRecord::topic).containsOnly("user_registration", "sign_in", "sign_out",
                "item_view", "add_to_cart", "check_out");
        assertThat(records).extracting(SourceRecord::kafkaPartition).containsOnly(1, 3);
        assertThat(events).allSatisfy(r -> {
            Struct value = (Struct) r.value();
            assertThat(r.key()).isEqualTo(value.get("user_id"));
            assertThat(r.timestamp()).isEqualTo(((java.util.Date) value.get("event_time")).getTime());
        });
        long lastEventTime = events.stream().mapToLong(SourceRecord::timestamp).max().orElseThrow();
        assertThat(watermarks).hasSize(6 * 2).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(UserEventSourceTask.WATERMARK_KEY);
            assertThat(r.value()).isNull();
            assertThat(r.headers().lastWithName(UserEventSourceTask.WATERMARK_HEADER)).isNotNull();
            assertThat(r.timestamp()).isEqualTo(lastEventTime + UserEventSourceConnectorConfig.WATERMARK_LEAD_DEFAULT);
        });
    }

    /** The worker keys records by hash until their transaction commits; the cached hash must keep the contract. */
    @Test
    void equalRecordsHaveEqualHashesAndDistinctRecordsRarelyShareOne() throws InterruptedException {
        Map<String, String> config = config("clock", "backfill", "clock.end", "2026-02-01T00:00:00Z",
                "max.events", "5000", "duplicate.fraction", "0.05", "topic.partitions", "3");
        List<SourceRecord> first = drain(started(new MockTime(0, START, 0), new FakeSourceTaskContext(), config), 8);
        List<SourceRecord> second = drain(started(new MockTime(0, START, 0), new FakeSourceTaskContext(), config), 8);

        assertThat(first).hasSize(5000 + 6 * 3).isEqualTo(second);
        for (int i = 0; i < first.size(); i++) {
            assertThat(first.get(i).hashCode()).isEqualTo(second.get(i).hashCode());
        }
        assertThat(first.stream().map(SourceRecord::hashCode).distinct().count()).isEqualTo(first.size());
    }

    @Test
    void malformedEventsGoToTheirTopicAsTextOrInPlaceWithInvalidValues() throws InterruptedException {
        Map<String, String> toTopic = config("clock", "backfill", "clock.end", "2026-02-01T00:00:00Z",
                "max.events", "3000", "malformed.fraction", "0.1", "topic.malformed", "broken");
        Map<String, String> inPlace = config("clock", "backfill", "clock.end", "2026-02-01T00:00:00Z",
                "max.events", "3000", "malformed.fraction", "0.1");

        List<SourceRecord> sentAside = drain(started(new MockTime(0, START, 0), new FakeSourceTaskContext(), toTopic), 3);
        List<SourceRecord> sentInPlace = drain(started(new MockTime(0, START, 0), new FakeSourceTaskContext(), inPlace), 3);

        List<SourceRecord> broken = sentAside.stream().filter(r -> r.topic().equals("broken")).toList();
        assertThat(broken.size()).isBetween(240, 360);
        assertThat(broken).allSatisfy(r -> assertThat((String) r.value()).startsWith("{\"event_id\":").doesNotEndWith("}"));
        long invalid = sentInPlace.stream().filter(r -> r.value() instanceof Struct value
                && value.getString("user_id").isEmpty() && value.getInt32("schema_version") == 0).count();
        assertThat(invalid).isEqualTo(broken.size());
    }

    @Test
    void restartedTaskResumesAfterItsLastOffsetWithNoGapOrDuplicate() throws InterruptedException {
        Map<String, String> config = config("clock", "backfill", "clock.end", "2026-02-01T00:00:00Z",
                "max.events", "900", "batch.size", "300");
        List<SourceRecord> uninterrupted = drain(started(new MockTime(0, START, 0), new FakeSourceTaskContext(), config), 3);

        FakeSourceTaskContext context = new FakeSourceTaskContext();
        UserEventSourceTask first = started(new MockTime(0, START, 0), context, config);
        List<SourceRecord> before = drain(first, 1);
        first.stop();
        SourceRecord last = before.get(before.size() - 1);
        context.storeOffset(last.sourcePartition(), last.sourceOffset());
        List<SourceRecord> after = drain(started(new MockTime(0, START, 0), context, config), 2);

        List<Object> resumedIds = new ArrayList<>();
        before.forEach(r -> resumedIds.add(((Struct) r.value()).get("event_id")));
        after.forEach(r -> resumedIds.add(((Struct) r.value()).get("event_id")));
        assertThat(resumedIds).isEqualTo(uninterrupted.stream().map(r -> ((Struct) r.value()).get("event_id")).toList());
    }

    @Test
    void stopWakesAWaitingPollPromptly() throws InterruptedException {
        UserEventSourceTask task = new UserEventSourceTask();
        task.initialize(new FakeSourceTaskContext());
        task.start(config("clock", "realtime", "registrations.per.hour", "0.001", "clock.start", ""));
        task.poll(); // the first event is due at once
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.stop();
        });
        stopper.start();
        long began = System.nanoTime();
        assertThat(task.poll()).isNull();
        // The next event is hours away; only stop() can have ended this poll before its one-second cap.
        assertThat((System.nanoTime() - began) / 1_000_000).isLessThan(UserEventSourceTask.MAX_WAIT_MS);
        stopper.join();
    }

    @Test
    void anInterruptedWaitReachesTheWorker() throws InterruptedException {
        UserEventSourceTask task = new UserEventSourceTask();
        task.initialize(new FakeSourceTaskContext());
        task.start(config("clock", "realtime", "registrations.per.hour", "0.001", "clock.start", ""));
        task.poll(); // the first event is due at once; the next is hours away, so the next poll waits
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(task::poll).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
