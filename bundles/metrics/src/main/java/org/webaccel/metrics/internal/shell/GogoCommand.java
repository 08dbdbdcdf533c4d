package org.webaccel.metrics.internal.shell;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/** Registers a component's methods as Gogo commands: {@code osgi.command.scope} and {@code osgi.command.function}. */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface GogoCommand {
    /** Prefix that turns the element names into the Gogo property names. */
    String PREFIX_ = "osgi.command.";

    /** @return the command scope */
    String scope();

    /** @return the command names */
    String[] function();
}
