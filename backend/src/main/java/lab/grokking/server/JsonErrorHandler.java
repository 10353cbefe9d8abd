package lab.grokking.server;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import lab.grokking.core.config.ConfigException;
import lab.grokking.server.api.ApiError;
import lab.grokking.server.runs.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors — requests refused before any route (a malformed request line or header, a URI too long) —
 * in the API's JSON shape, {"status", "error", "problems": []}, instead of Jetty's HTML page. A client that asks for
 * HTML (Accept: text/html) still gets a page; nothing shows a stack or a cause.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final ServerConfig cfg;

    JsonErrorHandler(ServerConfig cfg) {
        this.cfg = cfg;
        setDefaultResponseMimeType("application/json");
        setShowStacks(false);
        setShowCauses(false);
    }

    static String body(int status, String message) {
        String error = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        // what was wrong: the HTTP message itself (400), its URI (414), its headers (431)
        String field = switch (status) {
            case 400 -> "request";
            case 414 -> "uri";
            case 431 -> "headers";
            default -> null;
        };
        var problems =
                field == null ? List.<ConfigException.Problem>of() : List.of(new ConfigException.Problem(field, error));
        return Json.write(ApiError.body(status, error, problems));
    }

    /** Requests refused before any handler (a malformed header) come here without passing HttpGuard. */
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpGuard.secure(response.getHeaders(), HttpGuard.https(request, cfg));
        return super.handle(request, response, callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        HttpGuard.secure(fields, false);
        return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
        writer.write(body(code, message));
    }
}
