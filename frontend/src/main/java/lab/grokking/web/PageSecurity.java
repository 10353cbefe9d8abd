package lab.grokking.web;

import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.server.communication.IndexHtmlResponse;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The dashboard page's Content-Security-Policy (the server's default, for JSON and files, allows nothing). Vaadin's
 * page starts with inline scripts: each gets this response's nonce, so an injected script has none and does not run.
 * What else the policy allows, and why:
 *
 * <ul>
 *   <li>script-src 'self': Vaadin's bundle and the charts (uPlot's webjar, js/) from this server;
 *   <li>'unsafe-eval': Flow runs the server's executeJs and callJsFunction calls through {@code new Function};
 *   <li>style-src 'unsafe-inline': Vaadin's page, its components and grok-charts.js add style elements and style
 *       attributes at run time, which no nonce can cover;
 *   <li>img-src data: blob:: inline icons in the theme's CSS; a chart's PNG export is a data: URL;
 *   <li>connect-src 'self': Vaadin's requests, and the charts' WebSocket to /api/runs/{id}/stream (CSP 3 lets 'self'
 *       match ws:/wss: of the same host);
 *   <li>frame-ancestors 'none', form-action 'self', base-uri 'self' ({@code <base href>} is Vaadin's), object-src
 *       'none'.
 * </ul>
 */
public final class PageSecurity implements VaadinServiceInitListener {
    private static final SecureRandom RANDOM = new SecureRandom();

    static String policy(String nonce) {
        return "default-src 'self'; script-src 'self' 'nonce-" + nonce + "' 'unsafe-eval'; "
                + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                + "frame-ancestors 'none'";
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.addIndexHtmlRequestListener(PageSecurity::secure);
    }

    private static void secure(IndexHtmlResponse page) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String nonce = Base64.getEncoder().encodeToString(bytes);
        page.getDocument().select("script").attr("nonce", nonce);
        page.getVaadinResponse().setHeader("Content-Security-Policy", policy(nonce));
    }
}
