package lab.grokking.web.shared;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import java.util.Optional;

/**
 * Calls a view's refresh on its UI's poll between {@link #start} and {@link #stop}: the sweep, lab and class pages
 * poll their service (a plain read of what is in memory) rather than hold a stream per viewer.
 */
public final class Poller {
    private final int millis;
    private final Runnable refresh;
    private Registration poll;

    public Poller(int millis, Runnable refresh) {
        this.millis = millis;
        this.refresh = refresh;
    }

    /** Polls this UI (nothing more while already polling). */
    public void start(UI ui) {
        if (poll != null) return;
        ui.setPollInterval(millis);
        poll = ui.addPollListener(e -> refresh.run());
    }

    /** Stops polling (nothing while stopped). */
    public void stop(Optional<UI> ui) {
        if (poll == null) return;
        poll.remove();
        poll = null;
        ui.ifPresent(u -> u.setPollInterval(-1));
    }
}
