package dev.zerodrop.harness;

import dev.zerodrop.harness.record.Record;

import java.util.List;

/**
 * The target was not healthy before the upgrade: a baseline request failed, or a stream did not
 * deliver its first event. The upgrade was not run: a verdict over a broken start would mean nothing.
 */
public class TargetUnreachableException extends RuntimeException {
    private final transient List<Record> failedRecords;

    public TargetUnreachableException(String message, List<Record> failedRecords) {
        super(message);
        this.failedRecords = List.copyOf(failedRecords);
    }

    /** The failed baseline attempts (bounded), for diagnosis. */
    public List<Record> failedRecords() {
        return failedRecords;
    }
}
