package dev.concbench.cli;

import java.util.List;

/** A manifest that cannot be run: unreadable, an unknown field, or a spec the validator rejects. */
public class InvalidManifestException extends Exception {

    private final List<String> problems;

    public InvalidManifestException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidManifestException(String problem) {
        this(List.of(problem));
    }

    /** One line per problem, each naming its field. */
    public List<String> problems() {
        return problems;
    }
}
