package org.webaccel.gogo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Registers a component's public methods as Gogo commands: the component properties
 * {@code osgi.command.scope} and {@code osgi.command.function}, which Gogo looks for on every service.
 *
 * <p>bnd turns the annotation into those properties when it writes the component description, so nothing of
 * it is needed at run time (class retention).
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface GogoCommand {
    /** Prefix that turns the element names into the Gogo property names. */
    String PREFIX_ = "osgi.command.";

    /** @return the command scope, e.g. {@code pool} */
    String scope();

    /** @return the command names, each a public method of the component */
    String[] function();
}
