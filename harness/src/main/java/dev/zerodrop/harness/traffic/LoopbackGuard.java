package dev.zerodrop.harness.traffic;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Load goes only to this machine unless the caller opts out. Checked before any connection is made:
 * a literal address is parsed without any lookup, a name is resolved once.
 */
public final class LoopbackGuard {
    private LoopbackGuard() {
    }

    public static void check(List<Target> targets, boolean allowNonLoopback) {
        if (allowNonLoopback) {
            return;
        }
        for (Target target : targets) {
            String host = target.uri().getHost();
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(stripBrackets(host));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("target " + target.name() + ": cannot resolve host " + host, e);
            }
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("target " + target.name() + " (" + target.uri()
                            + ") is not a loopback address (" + address.getHostAddress()
                            + "): traffic goes to 127.0.0.1 only unless remote targets are allowed"
                            + " (allowNonLoopback(true), CLI --allow-remote)");
                }
            }
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
