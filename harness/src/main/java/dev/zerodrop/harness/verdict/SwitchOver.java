package dev.zerodrop.harness.verdict;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How one target moved from the old version to the new one, seen through successful steady answers.
 * "Old" is every version answered before the window; any other version is new. Offsets are
 * milliseconds from the window start, taken at the moment the answer arrived.
 *
 * @param versionsByPhase answers per version in each phase
 * @param rolloutMillis   window start to the last old-version answer, null if no new version answered
 */
public record SwitchOver(List<String> oldVersions,
                         List<String> newVersions,
                         Map<Phase, Map<String, Long>> versionsByPhase,
                         Double firstNewOffsetMillis,
                         Double lastOldOffsetMillis,
                         Double rolloutMillis) {

    public SwitchOver {
        oldVersions = List.copyOf(oldVersions);
        newVersions = List.copyOf(newVersions);
        Map<Phase, Map<String, Long>> copy = new EnumMap<>(Phase.class);
        versionsByPhase.forEach((phase, counts) -> copy.put(phase, Collections.unmodifiableMap(new TreeMap<>(counts))));
        versionsByPhase = Collections.unmodifiableMap(copy);
    }
}
