package dev.segmentation.stack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void threadsThatEndedBetweenTheReadingsKeepTheirShareOfTheProcessTotal() {
        Map<String, ProcessCpu.ThreadCpu> before = Map.of(
                "10", new ProcessCpu.ThreadCpu(ProcessCpu.APP, 2.0),
                "11", new ProcessCpu.ThreadCpu(ProcessCpu.COMPILER, 1.5),
                "12", new ProcessCpu.ThreadCpu(ProcessCpu.COMPILER, 0.5));
        // Thread 11 is retired, thread 13 is a compiler thread started in between.
        Map<String, ProcessCpu.ThreadCpu> after = Map.of(
                "10", new ProcessCpu.ThreadCpu(ProcessCpu.APP, 12.0),
                "12", new ProcessCpu.ThreadCpu(ProcessCpu.COMPILER, 2.5),
                "13", new ProcessCpu.ThreadCpu(ProcessCpu.COMPILER, 1.0));

        Map<String, Double> byKind = ProcessCpu.byKind(before, after, 17.0);

        assertThat(byKind.get(ProcessCpu.APP)).isCloseTo(10.0, within(1e-9));
        assertThat(byKind.get(ProcessCpu.COMPILER)).isCloseTo(3.0, within(1e-9));
        assertThat(byKind.get(ProcessCpu.ENDED)).isCloseTo(4.0, within(1e-9));
        assertThat(byKind.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(17.0, within(1e-9));
    }

    @Test
    void readsEveryLiveThreadOfARunningProcess() throws Exception {
        long pid = ProcessHandle.current().pid();
        Map<String, ProcessCpu.ThreadCpu> threads = ProcessCpu.threads(pid, "no-such-application");

        assertThat(threads).containsKey(Long.toString(pid));
        assertThat(threads.values()).allSatisfy(thread -> assertThat(thread.seconds()).isNotNegative());
        assertThat(threads.values().stream().mapToDouble(ProcessCpu.ThreadCpu::seconds).sum())
                .isLessThanOrEqualTo(ProcessCpu.seconds(pid) + 0.05);
    }
}
