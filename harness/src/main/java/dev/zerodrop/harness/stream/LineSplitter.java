package dev.zerodrop.harness.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the bytes of an event stream, as they arrive in chunks of any size, into lines. A line ends
 * at CRLF, LF or a lone CR (the SSE grammar allows all three), even when the CR and the LF arrive in
 * different chunks. Pure: no I/O, no clock.
 */
public final class LineSplitter {
    private final int maxLine;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lastWasCr;

    /** @param maxLine a longer line is an error (a server that never ends its line would eat memory) */
    public LineSplitter(int maxLine) {
        this.maxLine = maxLine;
    }

    /** The complete lines in {@code bytes[offset..offset+length)}; a partial last line is kept for the next call. */
    public List<String> feed(byte[] bytes, int offset, int length) {
        List<String> lines = new ArrayList<>();
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // the LF of a CRLF whose CR already ended the line
                    continue;
                }
                lines.add(take());
            } else if (b == '\r') {
                lines.add(take());
                lastWasCr = true;
            } else {
                lastWasCr = false;
                if (line.size() >= maxLine) {
                    throw new IllegalStateException("line longer than " + maxLine + " bytes");
                }
                line.write(b);
            }
        }
        return lines;
    }

    public List<String> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /** Bytes of a line not yet ended. */
    public int pending() {
        return line.size();
    }

    private String take() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        return text;
    }
}
