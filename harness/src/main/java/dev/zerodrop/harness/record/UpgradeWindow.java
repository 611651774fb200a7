package dev.zerodrop.harness.record;

/**
 * When the upgrade ran, and how it ended. Records are split into phases by this window.
 *
 * @param startMillis epoch ms (µs resolution) when the upgrade started
 * @param endMillis   epoch ms when it returned
 * @param exitCode    the command's exit code; 0 for an action that returned; -1 if it threw or was killed
 * @param output      captured stdout and stderr (bounded)
 * @param error       why it failed to run or was killed, else null
 * @param idle        no upgrade ran: a plain timed attack, whose window is simply its traffic
 */
public record UpgradeWindow(String name, double startMillis, double endMillis, int exitCode, String output,
                            String error, boolean idle) {

    public boolean succeeded() {
        return exitCode == 0 && error == null;
    }

    public double durationMillis() {
        return endMillis - startMillis;
    }
}
