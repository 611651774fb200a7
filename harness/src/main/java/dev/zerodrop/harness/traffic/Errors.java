package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.record.ErrorClass;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.ssl.NotSslRecordException;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/** Maps what the socket layer threw onto the lab's error classes. */
public final class Errors {
    private Errors() {
    }

    public static ErrorClass classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof NotSslRecordException) {
                return ErrorClass.TLS_HANDSHAKE;
            }
            // TLS 1.3: a refused client certificate arrives as an alert after the client's Finished.
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof javax.net.ssl.SSLException && (m.contains("certificate") || m.contains("alert")
                    || m.contains("handshake"))) {
                return ErrorClass.TLS_HANDSHAKE;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof ConnectTimeoutException) {
                return ErrorClass.CONNECT_TIMEOUT;
            }
            if (t instanceof ConnectException) {
                return message.contains("refused") ? ErrorClass.REFUSED
                        : message.contains("timed out") ? ErrorClass.CONNECT_TIMEOUT : ErrorClass.OTHER;
            }
            if (t instanceof PrematureChannelClosureException || t instanceof ClosedChannelException) {
                return ErrorClass.PREMATURE_CLOSE;
            }
            if (t instanceof SocketTimeoutException) {
                return ErrorClass.TIMEOUT;
            }
            if (t instanceof IOException && (message.contains("reset") || message.contains("broken pipe"))) {
                return ErrorClass.RESET;
            }
        }
        return ErrorClass.OTHER;
    }

    /** {@code SocketException: Connection reset}: short enough for a summary line. */
    public static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            // Netty's message would quote the whole response head: headers (cookies...) never go into records.
            if (c instanceof io.netty.handler.codec.TooLongFrameException) {
                return "response too large (over 1 MiB, or a header line over 8 KiB)";
            }
        }
        Throwable shown = t;
        // Netty wraps TLS failures in DecoderException; the cause says what happened.
        while (shown.getCause() != null && shown instanceof io.netty.handler.codec.DecoderException) {
            shown = shown.getCause();
        }
        String message = shown.getMessage() == null ? null : shown.getMessage().replaceAll("\\s+", " ");
        if (message != null && message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        return shown.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
