package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;

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
                "clock.start", "2026-01-01T00:00:00Z", "registrations.per.hour", "3600", "seed", "5"));
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
                config("clock", "accelerated", "clock.acceleration", "60"));

        List<SourceRecord> first = drain(task, 3);
        time.sleep(60_000); // one real minute = one simulated hour at 60x
        List<SourceRecord> second = drain(task, 3);

        assertThat(first).isNotEmpty().allSatisfy(r -> assertThat(r.timestamp()).isLessThanOrEqualTo(START));
        long dueUntil = START + 3_600_000L;
        assertThat(second).allSatisfy(r -> assertThat(r.timestamp()).isBetween(START, dueUntil));
        // 3600 registrations per hour: about one per simulated second, so an hour holds thousands.
        assertThat(second.size()).isBetween(3000, 4200);
    }

    @Test
    void boundedBackfillProducesExactlyMaxEventsThenIdles() throws InterruptedException {
        MockTime time = new MockTime(0, START, 0);
        UserEventSourceTask task = started(time, new FakeSourceTaskContext(), config("clock", "backfill",
                "clock.end", "2026-02-01T00:00:00Z", "max.events", "2500", "batch.size", "1000"));

        List<SourceRecord> records = drain(task, 3);

        assertThat(records).hasSize(2500);
        assertThat(task.poll()).isNull();
        assertThat(records).extracting(SourceRecord::topic).containsOnly("user_registration");
        assertThat(records).allSatisfy(r -> {
            Struct value = (Struct) r.value();
            assertThat(r.key()).isEqualTo(value.get("user_id"));
            assertThat(r.timestamp()).isEqualTo(((java.util.Date) value.get("event_time")).getTime());
        });
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
}
