package org.distill4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

@DisplayName("BackendConformanceSuite on an unavailable backend")
class UnavailableBackendTest {

    @Test
    @DisplayName("reports every test, dynamic ones included, as skipped with the probe's reason; none passes or fails")
    void everyTestIsSkipped() {
        List<String> skipReasons = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                if (test.isTest()) {
                    skipReasons.add(reason);
                }
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest()) {
                    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        finished.add("container " + test.getDisplayName() + ": " + result);
                    }
                } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    skipReasons.add(result.getThrowable().map(Throwable::getMessage).orElse(""));
                } else {
                    finished.add(test.getDisplayName() + ": " + result.getStatus());
                }
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(UnavailableBackendSuite.class)).build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);

        assertEquals(List.of(), finished, "tests that ran instead of being skipped, and containers that did not run");
        assertTrue(skipReasons.size() > 1000, "every dynamic test should be counted, found " + skipReasons.size());
        for (String reason : skipReasons) {
            assertTrue(reason.contains("'absent' is unavailable here: " + UnavailableBackendSuite.REASON), reason);
        }
    }
}
