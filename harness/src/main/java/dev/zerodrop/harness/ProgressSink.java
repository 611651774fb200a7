package dev.zerodrop.harness;

import java.io.PrintStream;

/** Where the live progress line and the run's step lines go. */
public interface ProgressSink {

    /** The once-a-second status; replaces the previous one where the sink can. */
    void progress(String line);

    /** A line that stays: steps of the run, the upgrade's output. */
    void log(String line);

    /** Nothing at all. */
    static ProgressSink none() {
        return new ProgressSink() {
            @Override
            public void progress(String line) {
            }

            @Override
            public void log(String line) {
            }
        };
    }

    /** Plain lines: for logs and JUnit output. */
    static ProgressSink lines(PrintStream out) {
        return new ProgressSink() {
            @Override
            public void progress(String line) {
                out.println(line);
            }

            @Override
            public void log(String line) {
                out.println(line);
            }
        };
    }

    /** A single line updated in place (carriage return + erase), for an interactive terminal. */
    static ProgressSink terminal(PrintStream out) {
        return new ProgressSink() {
            private boolean dirty;

            @Override
            public synchronized void progress(String line) {
                out.print("\r\033[K" + line);
                out.flush();
                dirty = true;
            }

            @Override
            public synchronized void log(String line) {
                out.print((dirty ? "\r\033[K" : "") + line + "\n");
                out.flush();
                dirty = false;
            }
        };
    }
}
