package dev.zerodrop.harness.stream;

import java.util.Optional;

/**
 * The event-stream grammar (WHATWG HTML, "Server-sent events"), line by line: {@code field: value}
 * lines build an event, a blank line dispatches it, {@code :} starts a comment, one space after the
 * colon is dropped, {@code data} lines are joined with LF, an id containing NUL is ignored, an event
 * with no data is not dispatched. Pure: no I/O, no clock.
 */
public final class SseParser {
    private String lastId;
    private String type;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean ownId;

    /** Feeds one line (without its terminator); an event when the line completes one. */
    public Optional<SseEvent> line(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.startsWith(":")) {
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastId = value;
                    ownId = true;
                }
            }
            default -> { } // retry and unknown fields: nothing the harness needs
        }
        return Optional.empty();
    }

    /** The last event id seen, for Last-Event-ID when the stream resumes. */
    public String lastId() {
        return lastId;
    }

    private Optional<SseEvent> dispatch() {
        boolean had = hasData;
        String eventType = type == null || type.isEmpty() ? "message" : type;
        SseEvent event = new SseEvent(lastId, eventType, data.toString(), ownId);
        type = null;
        data.setLength(0);
        hasData = false;
        ownId = false;
        // The spec dispatches nothing for an event without data; the lab's reconnect event carries data.
        return had ? Optional.of(event) : Optional.empty();
    }
}
