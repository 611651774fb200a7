package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.record.ErrorClass;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.PrematureChannelClosureException;

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
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
