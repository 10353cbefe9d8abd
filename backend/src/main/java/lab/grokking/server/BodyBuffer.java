package lab.grokking.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.grokking.core.config.ConfigException;
import lab.grokking.server.api.ApiError;
import lab.grokking.server.runs.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads every request body in full, without a thread, before the request reaches the servlets (API and dashboard),
 * which read bodies blocking. A body is read as its bytes arrive (demand callbacks), up to http.maxRequestBytes (413
 * beyond), and must be complete within http.bodyTimeoutSeconds (408 after, and the connection closes). Before this,
 * 270 connections that each sent part of a body held all 250 of Jetty's threads and the server answered nothing.
 */
final class BodyBuffer extends Handler.Wrapper {
    private final long maxBytes;
    private final long timeoutNanos;
    private final String timeoutText;

    BodyBuffer(long maxBytes, double timeoutSeconds) {
        if (!(timeoutSeconds > 0))
            throw new IllegalArgumentException("http.bodyTimeoutSeconds must be > 0, got " + timeoutSeconds);
        this.maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 8); // the body is one array
        this.timeoutNanos = (long) (timeoutSeconds * 1e9);
        this.timeoutText = timeoutSeconds == Math.rint(timeoutSeconds)
                ? String.valueOf((long) timeoutSeconds)
                : String.valueOf(timeoutSeconds);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long declared = request.getLength();
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (declared <= 0 && !chunked) return super.handle(request, response, callback);
        if (declared > maxBytes) {
            tooLarge(response, callback);
            return true;
        }
        new Loader(request, response, callback).start();
        return true;
    }

    private void tooLarge(Response response, Callback callback) {
        refuse(
                response,
                callback,
                413,
                "request body larger than the limit (http.maxRequestBytes = " + maxBytes + " bytes)");
    }

    /** An error in the API's JSON shape; the connection closes, since the rest of the body is not read. */
    private static void refuse(Response response, Callback callback, int status, String message) {
        String json = Json.write(ApiError.body(status, message, List.of(new ConfigException.Problem("body", message))));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /**
     * One body on its way in. Exactly one of dispatch, refusal, failure or the deadline settles it; reads after that
     * are dropped. Reading is non-blocking, so it may run on a selector thread; the servlets run on the pool.
     */
    private final class Loader implements Invocable.Task {
        final Request request;
        final Response response;
        final Callback callback;
        final AtomicBoolean settled = new AtomicBoolean();
        byte[] buf = new byte[0];
        int size;
        volatile Scheduler.Task deadline;

        Loader(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void start() {
            deadline =
                    request.getComponents().getScheduler().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
            read(false);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        /** More content may be there (a demand callback). */
        @Override
        public void run() {
            read(true);
        }

        private void read(boolean called) {
            while (!settled.get()) {
                Content.Chunk chunk;
                try {
                    chunk = request.read();
                } catch (RuntimeException e) {
                    fail(e);
                    return;
                }
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    // a transient failure is the connection's idle timeout: the body stalled
                    if (chunk.isLast()) fail(chunk.getFailure());
                    else expire();
                    return;
                }
                boolean last = chunk.isLast();
                int n = chunk.remaining();
                if ((long) size + n > maxBytes) {
                    chunk.release();
                    if (settle()) tooLarge(response, callback);
                    return;
                }
                if (size + n > buf.length) { // grows with what arrived: a Content-Length alone allocates nothing
                    buf = Arrays.copyOf(buf, (int) Math.min(maxBytes, Math.max(size + n, 2L * buf.length + 1024)));
                }
                chunk.get(buf, size, n);
                size += n;
                chunk.release();
                if (last) {
                    if (!settle()) return;
                    Buffered b = new Buffered(request, ByteBuffer.wrap(buf, 0, size));
                    if (called) request.getContext().execute(() -> dispatch(b));
                    else dispatch(b);
                    return;
                }
            }
        }

        private boolean settle() {
            if (!settled.compareAndSet(false, true)) return false;
            Scheduler.Task d = deadline;
            if (d != null) d.cancel();
            return true;
        }

        private void dispatch(Request buffered) {
            try {
                Handler next = getHandler();
                if (next == null || !next.handle(buffered, response, callback))
                    Response.writeError(buffered, response, callback, 404);
            } catch (Throwable t) {
                Response.writeError(buffered, response, callback, t);
            }
        }

        private void expire() {
            if (!settle()) return;
            refuse(
                    response,
                    callback,
                    408,
                    "the request body did not arrive in full within http.bodyTimeoutSeconds = " + timeoutText + " s ("
                            + size + " bytes came)");
        }

        private void fail(Throwable failure) {
            if (settle()) callback.failed(failure == null ? new TimeoutException() : failure);
        }
    }

    /** The request as the servlets see it: its body, already in memory. */
    private static final class Buffered extends Request.Wrapper {
        private final long length;
        private ByteBuffer body;

        Buffered(Request request, ByteBuffer body) {
            super(request);
            this.length = body.remaining();
            this.body = body;
        }

        @Override
        public long getLength() {
            return length;
        }

        @Override
        public Content.Chunk read() {
            if (body == null) return Content.Chunk.EOF;
            Content.Chunk c = Content.Chunk.from(body, true);
            body = null;
            return c;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run(); // the whole body is here: read() never answers null
        }
    }
}
