package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.UpgradeWindow;

/** Where a moment lies relative to the upgrade window. */
public enum Phase {
    BEFORE, DURING, AFTER;

    /** Both window edges belong to DURING. */
    public static Phase of(double epochMillis, UpgradeWindow window) {
        if (epochMillis < window.startMillis()) {
            return BEFORE;
        }
        return epochMillis <= window.endMillis() ? DURING : AFTER;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
