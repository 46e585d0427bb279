package io.portrait.gateway.rest;

/** Ends a request with the given problem. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.getDetail(), null, false, false);
        this.problem = problem;
    }

    /** Ends the request with a 400 {@link Problem#invalidRequest}. */
    public static ProblemException invalidRequest(String detail) {
        return new ProblemException(Problem.invalidRequest(detail));
    }

    public Problem problem() {
        return problem;
    }
}
