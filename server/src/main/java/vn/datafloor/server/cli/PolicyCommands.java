package vn.datafloor.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vn.datafloor.policy.Decision;
import vn.datafloor.policy.Evaluator;
import vn.datafloor.policy.OdrlJson;
import vn.datafloor.policy.PlainLanguage;
import vn.datafloor.policy.Policy;
import vn.datafloor.policy.PolicyException;
import vn.datafloor.policy.Request;
import vn.datafloor.policy.RequestJson;
import vn.datafloor.policy.WorldState;

/** Offline policy tools: evaluate a request against ODRL terms of use, with no running server. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Evaluate requests against ODRL 2.2 terms of use.",
        subcommands = {PolicyCommands.Evaluate.class})
class PolicyCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Exit codes: scripts branch on them, so they are part of the interface. */
    static final int PERMIT = 0;

    static final int INVALID_INPUT = 2;
    static final int DENY = 3;

    @Command(
            name = "evaluate",
            mixinStandardHelpOptions = true,
            description = "Print the decision, its reasons and the terms in plain language."
                    + " Exit 0 permit, 3 deny or not applicable, 2 invalid input.")
    static class Evaluate implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--policy", required = true, description = "The policy, ODRL 2.2 compacted JSON-LD.")
        Path policy;

        @Option(names = "--request", required = true, description = "The request, JSON (see docs/policy.md).")
        Path request;

        @Option(names = "--state", description = "The world state, JSON; default: now, nothing counted or fulfilled.")
        Path state;

        @Option(
                names = "--lang",
                defaultValue = "vi",
                description = "Language of the plain-language terms: vi or en (default: ${DEFAULT-VALUE}).")
        String lang;

        /** Only read when no state file gives the time; tests give a state. */
        Clock clock = Clock.systemUTC();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Policy p;
            Request r;
            WorldState s;
            try {
                p = OdrlJson.read(read(policy));
                r = RequestJson.readRequest(read(request));
                s = state == null ? WorldState.at(clock.instant()) : RequestJson.readState(read(state));
            } catch (PolicyException e) {
                err.println("Invalid input:");
                e.problems().forEach(problem -> err.println("  " + problem));
                return INVALID_INPUT;
            } catch (IOException e) {
                err.println("Cannot read " + e.getMessage());
                return INVALID_INPUT;
            }
            Decision decision = Evaluator.evaluate(p, r, s);
            out.println("Decision: " + decision.outcome());
            out.println("Reasons:");
            decision.reasons()
                    .forEach(reason -> out.println("  " + reason.toString().replace("\n", "\n  ")));
            out.println("Terms:");
            PlainLanguage.render(p, Locale.forLanguageTag(lang)).lines().forEach(line -> out.println("  " + line));
            out.flush();
            return decision.permitted() ? PERMIT : DENY;
        }

        private static String read(Path file) throws IOException {
            if (Files.size(file) > OdrlJson.MAX_CHARS * 4L) {
                throw new PolicyException(java.util.List.of(file + ": file too large"));
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }
    }
}
