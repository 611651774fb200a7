package dev.zerodrop.harness.approaches;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Optional;

/**
 * Brings an approach up for its contract tests and takes it down again, whatever happened. Leftovers
 * of an earlier (failed, killed) run are removed first with the approach's own {@code down}; the
 * tear-down is a resource in the class's {@link ExtensionContext.Store}, so JUnit closes it after the
 * last test even when setup or a test failed.
 */
public final class ApproachExtension implements BeforeAllCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ApproachExtension.class);

  /** Runs the approach's {@code down} when the class's store is closed. */
  private record Environment(ApproachContract approach) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      try {
        approach.beforeDown();
      } finally {
        Lab.sh(ApproachContract.CMD, approach.env(), approach.folder() + "/down");
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    ApproachContract approach = (ApproachContract) context.getRequiredTestInstance();
    Optional<String> unavailable = approach.unavailable();
    Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElse(""));
    // Registered before anything is started, so a failing up is still cleaned away.
    context.getStore(NS).put("environment", new Environment(approach));
    Lab.sh(ApproachContract.CMD, approach.env(), approach.folder() + "/down");
    approach.prepare();
    Lab.must(ApproachContract.CMD, approach.env(), approach.upCommand());
    approach.afterUp();
  }
}
