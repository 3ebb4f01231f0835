package dev.kurir.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Says in the build's output which tests were skipped and why: Maven prints only how many, and a machine with only a
 * JDK skips the tests whose tools it lacks ({@link Prerequisite}). Registered for every module that tests with this
 * one, through {@code META-INF/services}.
 */
public final class SkippedTests implements TestExecutionListener {
    private final List<String> skipped = new ArrayList<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        skipped.add(name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            skipped.add(name(test) + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    /** The test's class and its display name (a parameterized test's names its arguments only). */
    private static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource method) {
            return simpleName(method.getClassName()) + " " + test.getDisplayName();
        }
        if (source instanceof ClassSource type) {
            return simpleName(type.getClassName());
        }
        return test.getDisplayName();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (skipped.isEmpty()) {
            return;
        }
        StringBuilder report = new StringBuilder("SKIPPED " + skipped.size() + " test(s) here:");
        skipped.forEach(line -> report.append("\nSKIPPED   ").append(line));
        System.out.println(report);
        skipped.clear();
    }
}
