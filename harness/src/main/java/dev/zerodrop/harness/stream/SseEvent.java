package dev.zerodrop.harness.stream;

/**
 * One dispatched server-sent event.
 *
 * @param id   the last event id the stream has seen (SSE ids persist until changed), null if none yet
 * @param type the event type; {@code message} when the server named none
 * @param data the data lines joined with LF
 * @param ownId whether this event itself carried an {@code id:} line
 */
public record SseEvent(String id, String type, String data, boolean ownId) {
}
