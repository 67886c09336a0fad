package dev.segmentation.window.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import dev.segmentation.events.EventType;
import dev.segmentation.window.Segment;
import dev.segmentation.window.codec.CompactWriter;
import dev.segmentation.window.ingest.UserEvent;

class EventOrderTest {

    private static final long MINUTE = 60_000L;
    private static final long GRACE = 15 * MINUTE;
    private static final long IDLE = 5 * MINUTE;
    private static final List<String> TOPICS = List.of("user_registration", "sign_in");

    private final KeyValueStore<Bytes, byte[]> waiting = store("waiting");
    private final KeyValueStore<Bytes, byte[]> clocks = store("clocks");

    @Test
    void releasesInEventTimeOrderOnceEveryTopicHasPassedByTheGrace() {
        EventOrder order = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i1", 10 * MINUTE), 0);
        arrive(order, "user_registration", event(EventType.USER_REGISTRATION, "r1", 10 * MINUTE), 0);
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i2", 20 * MINUTE), 0);
        assertThat(order.releasePoint(0)).as("registrations at 10 min, minus grace").isEqualTo(-5 * MINUTE);
        assertThat(order.release(order.releasePoint(0))).isEmpty();

        arrive(order, "user_registration", event(EventType.USER_REGISTRATION, "r2", 40 * MINUTE), 0);
        // Sign-ins are at 20 minutes: everything up to 5 minutes is released, nothing yet.
        assertThat(ids(order.release(order.releasePoint(0)))).isEmpty();
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i3", 50 * MINUTE), 0);
        assertThat(ids(order.release(order.releasePoint(0)))).as("a registration first at a shared millisecond")
                .containsExactly("r1", "i1", "i2");
    }

    @Test
    void lateIsDecidedByTheEventsOwnTopicAndSurvivesARestart() {
        EventOrder order = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i1", 60 * MINUTE), 0);
        assertThat(order.isLate("sign_in", 45 * MINUTE)).isTrue();
        assertThat(order.isLate("sign_in", 45 * MINUTE + 1)).isFalse();
        assertThat(order.isLate("user_registration", 0)).as("its own topic has sent nothing").isFalse();
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i2", 50 * MINUTE), 0);
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i0", 40 * MINUTE), 0);
        order.write();

        EventOrder restarted = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        assertThat(restarted.isLate("sign_in", 45 * MINUTE)).isTrue();
        arrive(restarted, "user_registration", event(EventType.USER_REGISTRATION, "r1", 90 * MINUTE), 0);
        restarted.heard("sign_in", 80 * MINUTE, 0);
        List<EventOrder.Held> released = restarted.release(restarted.releasePoint(0));
        assertThat(ids(released)).as("all waited through the restart, the late one too")
                .containsExactly("i0!", "i2", "i1");
        assertThat(released.get(1).event()).isEqualTo(event(EventType.SIGN_IN, "i2", 50 * MINUTE));
    }

    @Test
    void anEventAfterARestartWaitsBehindOneThatArrivedBeforeItAtTheSameTime() {
        EventOrder order = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i1", 10 * MINUTE), 0);
        order.write();

        EventOrder restarted = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        arrive(restarted, "sign_in", event(EventType.SIGN_IN, "i2", 10 * MINUTE), 0);
        arrive(restarted, "user_registration", event(EventType.USER_REGISTRATION, "r1", 40 * MINUTE), 0);
        restarted.heard("sign_in", 40 * MINUTE, 0);

        assertThat(ids(restarted.release(restarted.releasePoint(0)))).containsExactly("i1", "i2");
    }

    @Test
    void theStoresHoldWhatWaitedAtTheLastWriteAndNothingThatCameAndWentBetweenWrites() {
        EventOrder order = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i1", 10 * MINUTE), 0);
        arrive(order, "user_registration", event(EventType.USER_REGISTRATION, "r1", 30 * MINUTE), 0);
        assertThat(entries(waiting)).as("nothing is written before the commit").isZero();
        order.write();
        assertThat(entries(waiting)).as("i1 and r1 in one batch").isEqualTo(1);

        arrive(order, "sign_in", event(EventType.SIGN_IN, "i2", 12 * MINUTE), 0);
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i3", 40 * MINUTE), 0);
        assertThat(ids(order.release(order.releasePoint(0)))).containsExactly("i1", "i2");
        order.write();
        assertThat(entries(waiting)).as("the first batch and how many left it, i2 never written, i3 in a second batch")
                .isEqualTo(3);

        // A restart after more arrived but before it was written: the input after the last commit is read again.
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i4", 90 * MINUTE), 0);
        EventOrder restarted = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        assertThat(restarted.clockOf("sign_in")).isEqualTo(40 * MINUTE);
        assertThat(restarted.released()).as("registrations at 30 min, minus grace").isEqualTo(15 * MINUTE);
        restarted.heard("user_registration", 120 * MINUTE, 0);
        restarted.heard("sign_in", 120 * MINUTE, 0);
        assertThat(ids(restarted.release(restarted.releasePoint(0)))).containsExactly("r1", "i3");
        restarted.write();
        assertThat(entries(waiting)).as("a batch is deleted with its count once every event has left it").isZero();
    }

    @Test
    void aWriteOfManyEventsSplitsThemIntoBatchesThatEventsLeaveInTheirOrder() {
        EventOrder order = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        int events = 2 * EventOrder.BATCH_EVENTS + 500;
        // Arrival order is not event-time order: odd events first, then even ones.
        for (int parity = 1; parity >= 0; parity--) {
            for (int i = parity; i < events; i += 2) {
                arrive(order, "sign_in", event(EventType.SIGN_IN, "i" + i, MINUTE + i), 0);
            }
        }
        order.write();
        assertThat(entries(waiting)).isEqualTo(3);

        order.heard("sign_in", GRACE + MINUTE + events, 0);
        order.heard("user_registration", GRACE + MINUTE + 1_499, 0);
        assertThat(order.release(order.releasePoint(0))).hasSize(1_500);
        order.write();
        assertThat(entries(waiting)).as("the first batch gone, the second with its count, the third").isEqualTo(3);

        EventOrder restarted = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        restarted.heard("user_registration", GRACE + MINUTE + events, 0);
        assertThat(ids(restarted.release(restarted.releasePoint(0)))).as("the rest, each once, in order")
                .isEqualTo(java.util.stream.IntStream.range(1_500, events).mapToObj(i -> "i" + i).toList());
    }

    @Test
    void waitingEventsAnEarlierBuildStoredOneByOneAreReadBackAndMovedIntoABatch() {
        waiting.put(perEventKey(20 * MINUTE, 7), perEventValue("i2", 20 * MINUTE));
        waiting.put(perEventKey(10 * MINUTE, 3), perEventValue("i1", 10 * MINUTE));
        EventOrder order = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i3", 30 * MINUTE), 0);
        order.heard("user_registration", 30 * MINUTE, 0);
        assertThat(ids(order.release(order.releasePoint(0)))).containsExactly("i1");
        order.write();
        assertThat(entries(waiting)).as("i2 and i3 in one batch, and no record of one event").isEqualTo(1);

        EventOrder restarted = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        restarted.heard("user_registration", 60 * MINUTE, 0);
        restarted.heard("sign_in", 60 * MINUTE, 0);
        assertThat(ids(restarted.release(restarted.releasePoint(0)))).containsExactly("i2", "i3");
    }

    /** The key of a waiting sign-in as builds before the batches stored it: time (sign bit flipped), rank, arrival. */
    private static Bytes perEventKey(long timeMs, long sequence) {
        return Bytes.wrap(ByteBuffer.allocate(2 * Long.BYTES + 1).putLong(timeMs ^ Long.MIN_VALUE)
                .put((byte) EventOrder.releaseRank(EventType.SIGN_IN)).putLong(sequence).array());
    }

    /** Its value: the event's type, late flag, user, id, session, total, segment and time. */
    private static byte[] perEventValue(String id, long timeMs) {
        return new CompactWriter(64).writeByte(EventType.SIGN_IN.ordinal()).writeByte(0)
                .writeBytes("u1".getBytes(StandardCharsets.UTF_8)).writeBytes(id.getBytes(StandardCharsets.UTF_8))
                .writeString("s1").writeSigned(0).writeBytes(new byte[0]).writeSigned(timeMs).toByteArray();
    }

    @Test
    void aSilentTopicStopsHoldingThePartitionAfterTheIdleTimeFromTheFirstRecord() {
        EventOrder order = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i1", 60 * MINUTE), 1_000);
        assertThat(order.releasePoint(1_000 + IDLE)).isEqualTo(EventOrder.NONE);
        assertThat(order.releasePoint(1_001 + IDLE)).isEqualTo(45 * MINUTE);
        order.release(45 * MINUTE);
        assertThat(order.isLate("user_registration", 45 * MINUTE)).as("behind what was released").isTrue();
    }

    @Test
    void aWaitingEventKeepsWhatTheMetricsNeedAndLetsItsRecordsBytesGo() {
        EventOrder order = new EventOrder(TOPICS, 0, GRACE, IDLE, waiting, clocks, () -> { });
        UserEvent signIn = event(EventType.SIGN_IN, "i1", 10 * MINUTE);
        UserEvent arrived = new UserEvent(signIn.type(), signIn.timestampMs(), signIn.userKey(), signIn.eventId(),
                signIn.sessionId(), signIn.totalCents(), signIn.segment(), new byte[] {0, 1, 2});
        arrive(order, "sign_in", arrived, 0);
        arrive(order, "user_registration", event(EventType.USER_REGISTRATION, "r1", 30 * MINUTE), 0);
        arrive(order, "sign_in", event(EventType.SIGN_IN, "i2", 30 * MINUTE), 0);

        List<EventOrder.Held> released = order.release(order.releasePoint(0));

        assertThat(released).singleElement().satisfies(held -> {
            assertThat(held.event().value()).isNull();
            assertThat(held.event()).isEqualTo(signIn);
        });
    }

    private static void arrive(EventOrder order, String topic, UserEvent event, long wallClockMs) {
        order.hold(topic, event, order.isLate(topic, event.timestampMs()));
        order.heard(topic, event.timestampMs(), wallClockMs);
    }

    private static UserEvent event(EventType type, String id, long timeMs) {
        Bytes user = Bytes.wrap("u1".getBytes(StandardCharsets.UTF_8));
        Segment segment = type == EventType.USER_REGISTRATION ? new Segment("25-34", "de", "web.de") : null;
        return new UserEvent(type, timeMs, user, Bytes.wrap(id.getBytes(StandardCharsets.UTF_8)),
                type == EventType.USER_REGISTRATION ? null : "s1", 0, segment, null);
    }

    /** The ids of released events, a late one marked with a trailing '!'. */
    private static List<String> ids(List<EventOrder.Held> held) {
        return held.stream().map(h -> new String(h.event().eventId().get(), StandardCharsets.UTF_8)
                + (h.late() ? "!" : "")).toList();
    }

    private static long entries(KeyValueStore<Bytes, byte[]> store) {
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return n;
        }
    }

    private static KeyValueStore<Bytes, byte[]> store(String name) {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
