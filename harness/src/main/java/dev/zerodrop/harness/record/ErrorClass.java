package dev.zerodrop.harness.record;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What went wrong with one attempt, as a lower-case label ({@code reset}, {@code http_5xx}). A value,
 * not an enum: a cohort declares the classes only it can produce (a WebSocket's {@code ws_cut}) in its
 * own file. Every class except {@link #NONE} is a failure.
 */
public final class ErrorClass implements Comparable<ErrorClass> {
    private static final Map<String, ErrorClass> KNOWN = new ConcurrentHashMap<>();

    public static final ErrorClass NONE = define("none", "no error");
    /** The connect was refused: nothing listened. */
    public static final ErrorClass REFUSED = define("refused", "connection refused: nothing listened");
    public static final ErrorClass CONNECT_TIMEOUT = define("connect_timeout", "no TCP connection within the connect timeout");
    /** The TLS handshake failed: untrusted or wrong certificate, refused client certificate, protocol mismatch. */
    public static final ErrorClass TLS_HANDSHAKE = define("tls_handshake", "the TLS handshake failed");
    /** Connection reset by peer (or a broken pipe while writing to it). */
    public static final ErrorClass RESET = define("reset", "connection reset by the peer");
    /** The connection closed before a full response arrived. */
    public static final ErrorClass PREMATURE_CLOSE = define("premature_close", "the connection closed before a full response");
    /** No full response within the request timeout. */
    public static final ErrorClass TIMEOUT = define("timeout", "no full response within the request timeout");
    public static final ErrorClass HTTP_5XX = define("http_5xx", "a 5xx status the success rules do not accept");
    public static final ErrorClass HTTP_4XX = define("http_4xx", "a 4xx status the success rules do not accept");
    /** A status the rules do not accept that is neither 4xx nor 5xx (1xx, 3xx, or a 2xx left out). */
    public static final ErrorClass UNEXPECTED_STATUS = define("unexpected_status", "a status the success rules do not accept");
    /** The body does not match the success rule: something else answered. */
    public static final ErrorClass WRONG_BODY = define("wrong_body", "the body does not match --expect-body");
    /** A header the rules require is missing or does not match. */
    public static final ErrorClass WRONG_HEADER = define("wrong_header", "a header does not match --expect-header");
    public static final ErrorClass OTHER = define("other", "any other error (see the message)");

    private final String label;
    private final String meaning;

    private ErrorClass(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }

    /** Declares a class once; declaring the same label again returns the first one. */
    public static ErrorClass define(String label, String meaning) {
        if (!label.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("error class label must be lower_snake_case: " + label);
        }
        return KNOWN.computeIfAbsent(label, l -> new ErrorClass(l, meaning));
    }

    /** The class with this label; one never declared is kept as it is (a report from a newer harness). */
    @JsonCreator
    public static ErrorClass of(String label) {
        ErrorClass known = KNOWN.get(label);
        return known != null ? known : new ErrorClass(label, "");
    }

    public boolean failed() {
        return this != NONE && !label.equals(NONE.label);
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** One line for reports and JUnit output. */
    public String meaning() {
        return meaning;
    }

    @Override
    public int compareTo(ErrorClass other) {
        return label.compareTo(other.label);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorClass other && label.equals(other.label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(label);
    }

    @Override
    public String toString() {
        return label;
    }
}
