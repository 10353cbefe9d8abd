package lab.grokking.server.api;

import java.util.List;
import java.util.Map;
import lab.grokking.core.config.ConfigException;
import lab.grokking.server.runs.Json;

/** A client error with its HTTP status; the body names the field or limit. */
public final class ApiError extends RuntimeException {
    private final int status;
    private final List<ConfigException.Problem> problems;

    public ApiError(int status, String field, String message) {
        super(field + ": " + message);
        this.status = status;
        this.problems = List.of(new ConfigException.Problem(field, message));
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        return body(status, getMessage(), problems);
    }

    /** The one shape of every error body: {"status", "error", "problems": [{"field", "message"}]}. */
    public static Map<String, Object> body(int status, String error, List<ConfigException.Problem> problems) {
        return Json.obj(
                "status",
                status,
                "error",
                error,
                "problems",
                problems.stream()
                        .map(p -> Json.obj("field", p.field(), "message", p.message()))
                        .toList());
    }

    /** The unknown and the removed answer alike, so ids cannot be probed. */
    public static ApiError noSuchRun() {
        return new ApiError(404, "id", "no such run");
    }
}
