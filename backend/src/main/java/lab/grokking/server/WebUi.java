package lab.grokking.server;

import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * The dashboard, found with {@link java.util.ServiceLoader} when its jar is on the class path (the frontend
 * module provides it), so the server here never depends on web-UI code. Its handler serves "/" beside the
 * API at "/api", on the same port.
 */
public interface WebUi {
    ContextHandler handler(GrokLabServer server);
}
