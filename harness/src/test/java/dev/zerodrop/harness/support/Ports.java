package dev.zerodrop.harness.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;

/** Loopback ports for tests. */
public final class Ports {
    private Ports() {
    }

    /** A port that was just bound and closed again: connecting to it is refused. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static URI refusedUri() {
        return URI.create("http://127.0.0.1:" + closedPort() + "/");
    }
}
