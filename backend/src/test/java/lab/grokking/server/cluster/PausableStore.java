package lab.grokking.server.cluster;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import lab.grokking.server.store.RunStore;

/**
 * One member's view of the shared store whose attempt writes (checkpoints, final results) can be held, as a member
 * paused by SIGSTOP holds them: the training thread blocks in its next write until {@link #resume}. Everything else
 * passes through.
 */
final class PausableStore {
    private static final Set<String> HELD = Set.of("saveCheckpoint", "finish");

    private boolean paused; // guarded by this

    final RunStore store;

    PausableStore(RunStore shared) {
        store = (RunStore) Proxy.newProxyInstance(
                RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class}, (proxy, method, args) -> {
                    if (HELD.contains(method.getName())) awaitResumed();
                    if (method.getName().equals("close")) return null; // the shared store is closed by its owner
                    try {
                        return method.invoke(shared, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    synchronized void pause() {
        paused = true;
    }

    synchronized void resume() {
        paused = false;
        notifyAll();
    }

    private synchronized void awaitResumed() throws InterruptedException {
        while (paused) wait();
    }
}
