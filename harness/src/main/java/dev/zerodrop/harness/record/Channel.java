package dev.zerodrop.harness.record;

/** How a request reached the server. Drops hide in different places for each, so they are counted apart. */
public enum Channel {
    /** A fresh TCP connection, closed after the response. */
    NEW,
    /** A keep-alive connection that had already served at least one response. */
    REUSED
}
