package dev.zerodrop.harness.verdict;

/** Attempts and failures in one slice of the records. */
public record Tally(long total, long failed) {
    public static final Tally ZERO = new Tally(0, 0);

    public Tally plus(boolean failure) {
        return new Tally(total + 1, failed + (failure ? 1 : 0));
    }

    public static Tally add(Tally a, Tally b) {
        return new Tally(a.total + b.total, a.failed + b.failed);
    }

    /** {@code 6436/0}: attempts / failures. */
    public String brief() {
        return total + "/" + failed;
    }
}
