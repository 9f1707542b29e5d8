package vn.datafloor.policy;

import java.util.List;

/** A policy document that cannot be read; {@link #problems()} names each problem with its JSON path. */
public final class PolicyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public PolicyException(List<String> problems) {
        super("Invalid ODRL policy: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
