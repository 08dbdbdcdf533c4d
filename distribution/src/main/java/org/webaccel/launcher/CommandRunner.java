package org.webaccel.launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;

/**
 * Runs one Gogo command line in the container, the way gosh would at its prompt: a session on the launcher's
 * output streams, the result formatted by the session and printed.
 *
 * <p>Commands are services that bundles register when they start or when their component is satisfied, so
 * the runner first waits (bounded) for the CommandProcessor and, if a declarative services component
 * declares the command, for that command's service. A command no component declares is run at once, and
 * Gogo reports it as not found.
 */
final class CommandRunner {

    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";
    private static final String SCR = "org.osgi.service.component.runtime.ServiceComponentRuntime";
    private static final String SCOPE = "osgi.command.scope";
    private static final String FUNCTION = "osgi.command.function";
    /** Converter.INSPECT: the detail gosh uses to print a command's result. */
    private static final int INSPECT = 0;
    /** The first word of a command line: {@code [scope:]function}. */
    private static final Pattern COMMAND_NAME = Pattern.compile("^\\s*(?:([\\w.-]+):)?([\\w.-]+)(?=[\\s;|]|$)");
    private static final long POLL_MILLIS = 100;

    private final BundleContext context;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param context the system bundle's context
     * @param out     where the command's output and result go
     * @param err     where errors go
     */
    CommandRunner(BundleContext context, PrintStream out, PrintStream err) {
        this.context = context;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs a command line.
     *
     * @param commandLine the Gogo command line
     * @param deadline    until when to wait for the command's service
     * @return 0 if it ran, {@link Main#COMMAND_FAILED} if it threw, {@link Main#NOT_AVAILABLE} if its
     *         service did not appear in time
     * @throws Exception if the session cannot be created or closed
     */
    int run(String commandLine, Instant deadline) throws Exception {
        // looked up at least once, even past the deadline: gogo.runtime registers it when it starts
        Optional<BundleObject> processor = BundleObject.service(context, PROCESSOR);
        while (processor.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(POLL_MILLIS);
            processor = BundleObject.service(context, PROCESSOR);
        }
        if (processor.isEmpty()) {
            err.println("webaccel: no Gogo CommandProcessor service; is org.apache.felix.gogo.runtime in bundle/?");
            return Main.NOT_AVAILABLE;
        }
        Matcher name = COMMAND_NAME.matcher(commandLine);
        if (name.find() && !awaitCommand(name.group(1), name.group(2), deadline)) {
            return Main.NOT_AVAILABLE;
        }

        Object created = processor.get().call("createSession",
                new Class<?>[] {InputStream.class, OutputStream.class, OutputStream.class},
                InputStream.nullInputStream(), out, err);
        BundleObject session = processor.get().view(created, SESSION);
        try {
            Object result = session.call("execute", new Class<?>[] {CharSequence.class}, commandLine);
            if (result != null) {
                out.println(session.call("format", new Class<?>[] {Object.class, int.class}, result, INSPECT));
            }
            return 0;
        } catch (Exception e) {
            err.println("webaccel: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return Main.COMMAND_FAILED;
        } finally {
            out.flush();
            session.call("close", new Class<?>[0]);
        }
    }

    /** Waits until the command is registered, or no component declares it; false if the deadline passed first. */
    private boolean awaitCommand(String scope, String function, Instant deadline) throws Exception {
        String filter = scope == null ? "(" + FUNCTION + "=" + function + ")"
                : "(&(" + SCOPE + "=" + scope + ")(" + FUNCTION + "=" + function + "))";
        Instant start = Instant.now();
        while (!registered(filter)) {
            Optional<String> component = declaringComponent(scope, function);
            if (component.isEmpty()) {
                return true; // nothing will register it: let Gogo say so
            }
            if (!Instant.now().isBefore(deadline)) {
                err.println("webaccel: command " + (scope == null ? "" : scope + ":") + function
                        + " is declared by component " + component.get() + ", which did not become available within "
                        + Duration.between(start, Instant.now()).toSeconds() + " s (see 'scr:info "
                        + component.get() + "' for unsatisfied references or a missing configuration)");
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    private boolean registered(String filter) throws InvalidSyntaxException {
        return context.getServiceReferences((String) null, filter) != null;
    }

    /** The name of a declarative services component whose properties declare the command, if any. */
    private Optional<String> declaringComponent(String scope, String function) throws Exception {
        Optional<BundleObject> scr = BundleObject.service(context, SCR);
        if (scr.isEmpty()) {
            return Optional.empty();
        }
        Collection<?> descriptions = (Collection<?>) scr.get().call("getComponentDescriptionDTOs",
                new Class<?>[] {Bundle[].class}, (Object) new Bundle[0]);
        for (Object description : descriptions) {
            Map<?, ?> properties = (Map<?, ?>) description.getClass().getField("properties").get(description);
            if ((scope == null || scope.equals(properties.get(SCOPE))) && names(properties.get(FUNCTION), function)) {
                return Optional.of((String) description.getClass().getField("name").get(description));
            }
        }
        return Optional.empty();
    }

    // osgi.command.function is a String or a String[]
    private static boolean names(Object functions, String function) {
        if (functions != null && functions.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(functions); i++) {
                if (function.equals(Array.get(functions, i))) {
                    return true;
                }
            }
            return false;
        }
        return function.equals(functions);
    }
}
