package lab.grokking.web.shared;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinSession;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.server.Clients;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.store.StoreException;
import lab.grokking.web.Services;

/** Starts runs for the views, with the same parsing, limits and per-client identity as POST /api/runs. */
public final class Submit {
    private Submit() {}

    /** The browser's client id, as the API sees it (see {@link Clients}): its token, else its address. */
    public static String client() {
        return identity().id();
    }

    /** The browser's client: what the HTTP guard found in this request (token and address). */
    public static Clients.Client identity() {
        var req = VaadinRequest.getCurrent();
        String remote = req != null
                ? req.getRemoteAddr()
                : VaadinSession.getCurrent().getBrowser().getAddress();
        String fwd = req != null ? req.getHeader("X-Forwarded-For") : null;
        return Clients.current(
                req != null ? req.getAttribute(Clients.ATTRIBUTE) : null,
                remote,
                fwd,
                Services.current().config().trustedProxy);
    }

    /** Runs a preset as is and opens its run view. */
    public static void preset(String id) {
        run(Configs.JSON.createObjectNode().put("preset", id));
    }

    /** Parses, validates and starts (or finds) the run, then opens it; a queue limit becomes a notification. */
    public static void run(ObjectNode body) {
        Services s = Services.current();
        RunConfig rc = s.runs().parse(body);
        start(rc);
    }

    public static void start(RunConfig rc) {
        start(rc, null);
    }

    /** Starts (or finds) the run, for a student of {@code lab} if not null, then opens it. */
    public static void start(RunConfig rc, String lab) {
        try {
            Clients.Client c = identity();
            var sub = Services.current().runs().submit(rc, c.id(), c.address(), lab);
            UI.getCurrent().navigate("run/" + sub.run().id());
        } catch (QueueLimitException | StoreException e) { // a queue limit, or a store that takes no writes now
            Notification n = Notification.show(e.getMessage(), 8000, Notification.Position.MIDDLE);
            n.addThemeVariants(NotificationVariant.ERROR);
        }
    }
}
