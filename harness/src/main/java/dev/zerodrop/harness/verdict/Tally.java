package dev.zerodrop.harness.verdict;

/** Attempts and failures in one slice of the records. */
public record Tally(long total, long failed) {
    public static final Tally ZERO = new Tally(0, 0);

    public Tally plus(boolean failure) {
        return new Tally(total + 1, failed + (failure ? 1 : 0));
    }

    /** {@code 6436/0}: attempts / failures. */
    public String brief() {
        return total + "/" + failed;
    }
}
