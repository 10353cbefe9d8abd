package lab.grokking.core.linalg;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Splitting work over the kernel threads: every index once, and who runs the parts while the helpers are busy. */
class WorkersTest {
    @Test
    void everyIndexIsCoveredOnceForEveryPartCount() {
        for (int n : new int[] {0, 1, 7, 97, 1000}) {
            for (int parts = 1; parts <= 5; parts++) {
                for (boolean inline : new boolean[] {false, true}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(n);
                    Workers.RangeBody body = (from, to) -> {
                        for (int i = from; i < to; i++) seen.incrementAndGet(i);
                    };
                    if (inline) Workers.forPartsOrInline(n, parts, body);
                    else Workers.forParts(n, parts, body);
                    for (int i = 0; i < n; i++)
                        assertEquals(1, seen.get(i), "index " + i + " of " + n + " in " + parts + " parts");
                }
            }
        }
    }

    @Test
    void whileTheHelpersAreBusyOrInlineRunsEveryPartOnTheCallerAndForPartsUsesThePool() throws Exception {
        assumeTrue(Workers.threads() > 1, "needs more than one kernel thread");
        CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread other = new Thread(() -> Workers.run(2, p -> {
            if (p == 0) {
                holding.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        other.start();
        try {
            assertTrue(holding.await(30, TimeUnit.SECONDS), "the other caller holds the helpers");
            Set<Thread> inline = ConcurrentHashMap.newKeySet(), pooled = ConcurrentHashMap.newKeySet();
            Workers.forPartsOrInline(100, 4, (from, to) -> inline.add(Thread.currentThread()));
            assertEquals(Set.of(Thread.currentThread()), inline);
            Workers.forParts(100, 4, (from, to) -> pooled.add(Thread.currentThread()));
            assertTrue(pooled.size() > 1, "forParts hands parts to the pool while the helpers are busy: " + pooled);
        } finally {
            release.countDown();
            other.join(30_000);
        }
    }
}
