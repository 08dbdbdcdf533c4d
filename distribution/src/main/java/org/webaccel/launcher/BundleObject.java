package org.webaccel.launcher;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * An object whose type belongs to a bundle (Gogo's CommandProcessor, ConfigAdmin, SCR's runtime service),
 * called by reflection through that type.
 *
 * <p>Why reflection: the launcher's class path holds only the framework. Putting Gogo's API on it as well
 * would give two copies of {@code org.apache.felix.service.command} unless the system bundle exported it
 * and every bundle wired to that export; calling through the bundle's own interface class avoids the
 * question, for the few calls the launcher makes.
 */
final class BundleObject {

    private final Object target;
    private final Class<?> type;

    private BundleObject(Object target, Class<?> type) {
        this.target = target;
        this.type = type;
    }

    /**
     * Gets a service by interface name.
     *
     * @param context  a bundle context
     * @param typeName the service interface
     * @return the service, empty if none is registered now
     */
    static Optional<BundleObject> service(BundleContext context, String typeName) {
        ServiceReference<?> reference = context.getServiceReference(typeName);
        Bundle registrant = reference == null ? null : reference.getBundle();
        Object service = registrant == null ? null : context.getService(reference);
        if (service == null) {
            return Optional.empty(); // none, or unregistered meanwhile
        }
        try {
            return Optional.of(new BundleObject(service, registrant.loadClass(typeName)));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Views another object through a type from the same class space as this one's, e.g. the session a
     * CommandProcessor returned as a CommandSession.
     *
     * @param other    the object
     * @param typeName its interface
     * @return the view
     * @throws ClassNotFoundException if this object's class space has no such type
     */
    BundleObject view(Object other, String typeName) throws ClassNotFoundException {
        return new BundleObject(other, Class.forName(typeName, false, type.getClassLoader()));
    }

    /**
     * Calls a method of the type.
     *
     * @param method     the method name
     * @param parameters the parameter types
     * @param arguments  the arguments
     * @return what the method returned
     * @throws Exception what the method threw, unwrapped
     */
    Object call(String method, Class<?>[] parameters, Object... arguments) throws Exception {
        try {
            return type.getMethod(method, parameters).invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
