package dev.zerodrop.harness.record;

/** What went wrong with one attempt. Every value except {@link #NONE} is a failure. */
public enum ErrorClass {
    NONE,
    /** The connect was refused: nothing listened. */
    REFUSED,
    CONNECT_TIMEOUT,
    /** Connection reset by peer (or a broken pipe while writing to it). */
    RESET,
    /** The connection closed before a full response arrived. */
    PREMATURE_CLOSE,
    /** No full response within the request timeout. */
    TIMEOUT,
    HTTP_5XX,
    HTTP_4XX,
    /** 200 but the body is not the app's greeting: something else answered. */
    WRONG_BODY,
    /** A stream segment ended without the server's {@code reconnect} event. */
    STREAM_CUT,
    /** A resumed stream skipped events: seq is not lastSeq + 1. */
    STREAM_GAP,
    OTHER;

    public boolean failed() {
        return this != NONE;
    }

    /** Lower-case label for summaries: {@code reset}, {@code http_5xx}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
