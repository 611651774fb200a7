package dev.zerodrop.harness.rules;

import dev.zerodrop.harness.record.ErrorClass;

/** The rules' decision on one answer, and what it said about who answered. */
public record Judgement(ErrorClass error, String message, String version, String instance) {
    public boolean ok() {
        return !error.failed();
    }
}
