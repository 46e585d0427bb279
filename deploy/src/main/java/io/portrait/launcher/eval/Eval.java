package io.portrait.launcher.eval;

import java.io.PrintStream;
import java.util.List;

/** {@code ./portrait eval <what>}: offline evaluations and measurements that need no running suite. */
public final class Eval {

    private Eval() {
    }

    public static void main(List<String> args, PrintStream out) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("eval needs a subject: clv, identity, recommend, recommend-latency or split\n"
                    + ClvEval.USAGE + "\n" + IdentityEval.USAGE + "\n" + RecommendEval.USAGE);
        }
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "clv" -> ClvEval.main(rest, out);
            case "recommend" -> RecommendEval.main(rest, out);
            case "recommend-latency" -> RecommendLatency.main(rest, out);
            case "split" -> SplitRetail.main(rest, out);
            case "identity" -> IdentityEval.main(rest, out);
            default -> throw new IllegalArgumentException("unknown eval subject: " + args.get(0)
                    + " (clv, identity, recommend, recommend-latency or split)");
        }
    }
}
