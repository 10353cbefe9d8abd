package lab.grokking.core.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs of one task with equal {@link TaskSpec#batchKey} trained together, each on its own thread: they share one
 * set-up ({@link #shared}, read-only objects) and meet once per product ({@link Member#meet}), where the last to
 * arrive computes every member's product in one batched pass. A member that ends (finished, cancelled, diverged,
 * failed) {@link Member#leave leaves}; the others go on without it. Members may be at different steps: a product does
 * not depend on the step. The barrier parks at once (no spinning): members run on virtual threads, where a spinning
 * waiter would hold the carrier the batch needs.
 */
public final class Cohort {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final List<Object> requests = new ArrayList<>(); // guarded by lock
    private final int size;
    private int parties, arrived; // guarded by lock
    private long round; // guarded by lock
    private Throwable roundFailure; // guarded by lock
    private Consumer<List<Object>> batch; // guarded by lock; set by the requests of the round
    private Object shared; // guarded by this
    private RuntimeException sharedFailure; // guarded by this

    /** A cohort of size members; every one must {@link Member#leave} once. */
    public Cohort(int size) {
        if (size < 1) throw new IllegalArgumentException("a cohort has at least one member, got " + size);
        this.size = size;
    }

    /** Members it started with (the run summary's "cohort"). */
    public int size() {
        return size;
    }

    /** Registers a member; call before starting its thread, so that no round completes without it. */
    public Member join() {
        lock.lock();
        try {
            parties++;
        } finally {
            lock.unlock();
        }
        return new Member();
    }

    /** The set-up the members share: made by the first caller, the same object for all (a failure is every member's). */
    public synchronized <T> T shared(Supplier<T> make) {
        if (sharedFailure != null) throw sharedFailure;
        if (shared == null) {
            try {
                shared = make.get();
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
        @SuppressWarnings("unchecked")
        T t = (T) shared;
        return t;
    }

    /** Under the lock, by the last member to arrive (or to leave): serves the round's requests and wakes the members. */
    private void completeRound() {
        List<Object> served = List.copyOf(requests);
        requests.clear();
        arrived = 0;
        roundFailure = null;
        try {
            if (!served.isEmpty()) batch.accept(served);
        } catch (Throwable t) { // every member of the round rethrows it; the round must complete all the same
            roundFailure = t;
        }
        round++;
        advanced.signalAll();
    }

    /** One member's seat. */
    public final class Member {
        private boolean left;

        private Member() {}

        public Cohort cohort() {
            return Cohort.this;
        }

        /**
         * Hands in this member's request and waits until the round's batch (the same function for every member of a
         * task) has served every member present; request is then done.
         */
        @SuppressWarnings("unchecked")
        public <R> void meet(R request, Consumer<List<R>> batch) {
            if (left) throw new IllegalStateException("this member has left its cohort");
            Throwable t;
            lock.lock();
            try {
                requests.add(request);
                Cohort.this.batch = (Consumer<List<Object>>) (Consumer<?>) batch;
                long mine = round;
                if (++arrived == parties) completeRound();
                else while (round == mine) advanced.awaitUninterruptibly();
                t = roundFailure;
            } finally {
                lock.unlock();
            }
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }

        /** Leaves the cohort (idempotent): later rounds go on without this member. */
        public void leave() {
            if (left) return;
            left = true;
            lock.lock();
            try {
                parties--;
                if (arrived > 0 && arrived == parties) completeRound(); // the others were waiting only for this one
            } finally {
                lock.unlock();
            }
        }
    }
}
