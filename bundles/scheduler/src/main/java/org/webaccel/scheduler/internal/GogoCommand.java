package org.webaccel.scheduler.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/** Gogo command registration as component properties {@code osgi.command.scope} and {@code osgi.command.function}. */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface GogoCommand {
    /** Turns the element names into the Gogo property names. */
    String PREFIX_ = "osgi.command.";

    /** @return the command scope */
    String scope();

    /** @return the command names */
    String[] function();
}
