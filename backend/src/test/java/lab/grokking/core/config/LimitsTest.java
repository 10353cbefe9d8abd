package lab.grokking.core.config;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The per-run memory limit in effect is the configured one or a worker's share of the heap, whichever is lower. */
class LimitsTest {
    static final long MIB = 1L << 20;

    @Test
    void aWorkersShareOfTheHeapBelowTheConfiguredLimitBecomesTheLimit() {
        // finding: -Xmx1g and 1 536 MiB per run: a d = 10⁷ run was accepted, then failed with "Java heap space"
        Limits l = Limits.DEFAULT.withinHeap(1024 * MIB, 256 * MIB, 2);
        assertEquals((long) (768 * MIB * Limits.RUN_HEAP_SHARE / 2), l.maxMemoryBytes());
        assertEquals(230, l.maxMemoryBytes() / MIB);
        assertTrue(
                l.memoryBasis().contains("1024 MiB heap (-Xmx)")
                        && l.memoryBasis().contains("256 MiB result cache")
                        && l.memoryBasis().contains("2 workers")
                        && l.memoryBasis().contains("configured limit is 1536 MiB"),
                l.memoryBasis());
        assertEquals(Limits.DEFAULT.maxWork(), l.maxWork());
        assertEquals(Limits.DEFAULT.maxDiskBytes(), l.maxDiskBytes());
    }

    @Test
    void aLargerHeapLeavesTheConfiguredLimit() {
        assertSame(Limits.DEFAULT, Limits.DEFAULT.withinHeap(16L << 30, 256 * MIB, 2));
    }

    @Test
    void aConfigUnderTheConfiguredLimitButOverTheHeapShareIsRefusedNamingTheHeap() {
        Limits l = Limits.DEFAULT.withDisk(1L << 40, 1L << 40).withinHeap(1024 * MIB, 256 * MIB, 2);
        RunConfig rc = Configs.parse("{\"task\":\"diag\",\"d\":1000000,\"n\":1,\"steps\":2000}");
        assertTrue(
                rc.memoryBytes() > l.maxMemoryBytes() && rc.memoryBytes() < Limits.DEFAULT.maxMemoryBytes(),
                rc.memoryBytes() / MIB + " MiB");
        rc.validate(Limits.DEFAULT.withDisk(1L << 40, 1L << 40)); // within the configured limit
        ConfigException e = assertThrows(ConfigException.class, () -> rc.validate(l));
        assertEquals("n, d", e.problems().getFirst().field());
        assertTrue(
                e.getMessage()
                        .contains("above the memory limit of 231 MiB (derived from the heap: 60 % of the 1024"
                                + " MiB heap (-Xmx)"),
                e.getMessage());
    }
}
