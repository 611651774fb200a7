package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One target × cohort: a test case of the JUnit report.
 *
 * @param firstFailed the first failed records (by intended time), at most {@link Settings#CASE_EXAMPLES}
 */
public record CaseResult(String target, String cohort, Tally tally, Map<ErrorClass, Long> errors,
                         List<Record> firstFailed) {
    public CaseResult {
        errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        firstFailed = List.copyOf(firstFailed);
    }
}
