package lab.grokking.core;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LogScheduleTest {
    @Test
    void denseEarlyThenLogSpacedAndAlwaysTheLastStep() {
        long[] s = new LogSchedule(2_000_000, 40).steps();
        assertEquals(0, s[0]);
        assertEquals(1, s[1]);
        assertEquals(10, s[10]);
        assertEquals(2_000_000, s[s.length - 1]);
        for (int i = 1; i < s.length; i++) assertTrue(s[i] > s[i - 1], "strictly increasing at " + i);
        // about 40 points in every full decade after the first
        for (int e = 2; e <= 5; e++) {
            long lo = (long) Math.pow(10, e), hi = lo * 10;
            long count = Arrays.stream(s).filter(k -> k >= lo && k < hi).count();
            assertTrue(count >= 38 && count <= 41, "decade 1e" + e + " has " + count);
        }
    }

    @Test
    void tinyRuns() {
        assertArrayEquals(new long[] {0, 1}, new LogSchedule(1, 40).steps());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, new LogSchedule(7, 40).steps());
        assertThrows(IllegalArgumentException.class, () -> new LogSchedule(0, 40));
    }
}
