package org.webaccel.distribution;

import java.util.List;
import java.util.Map;

/**
 * Writes one feature configuration as a Felix fileinstall {@code .config} file: the typed property format
 * ({@code key = L"8080"}, {@code key = [ "a", "b" ]}) that fileinstall 3.7 reads from conf/, so numbers,
 * booleans and arrays reach ConfigAdmin with their types. Values may hold {@code ${webaccel.home}}, which
 * fileinstall replaces with the framework property when it loads the file.
 *
 * <p>Types follow the OSGi Configurator's JSON rules: a JSON integer is a {@code Long}, a decimal a
 * {@code Double}; a key may carry a type hint, {@code "port:Integer": 8080}.
 */
public final class ConfigurationFile {

    // type hint -> the typed-format prefix fileinstall's reader understands
    private static final Map<String, String> PREFIXES = Map.of(
            "String", "", "Integer", "I", "Long", "L", "Double", "D", "Float", "F",
            "Boolean", "B", "Short", "S", "Byte", "X", "Character", "C");

    private ConfigurationFile() {
    }

    /**
     * Names the file for a feature configuration key. fileinstall takes the part before the first
     * {@code -} of a file name as the PID and the rest as a factory configuration's name.
     *
     * @param key a PID, or {@code factoryPid~name} for a factory configuration
     * @return the file name
     * @throws IllegalArgumentException if fileinstall would read the PID wrongly back from the name
     */
    public static String fileName(String key) {
        int tilde = key.indexOf('~');
        String pid = tilde < 0 ? key : key.substring(0, tilde);
        if (pid.isEmpty() || pid.contains("-") || pid.contains("/")) {
            throw new IllegalArgumentException("PID '" + pid + "' must be non-empty and hold no '-' or '/': "
                    + "fileinstall reads the part before the first '-' of a file name as the PID");
        }
        return tilde < 0 ? pid + ".config" : pid + "-" + key.substring(tilde + 1) + ".config";
    }

    /**
     * Renders the properties in the typed format.
     *
     * @param feature    the feature that holds the configuration, named in the header comment
     * @param key        the configuration's key in the feature
     * @param properties the properties, as JSON read them (String, Number, Boolean, List)
     * @return the file's text
     * @throws IllegalArgumentException if a value is an object or null, or a type hint is unknown
     */
    public static String render(String feature, String key, Map<String, Object> properties) {
        StringBuilder text = new StringBuilder()
                .append("# Configuration ").append(key).append(", generated from feature ").append(feature).append(".\n")
                .append("# Edit freely: fileinstall applies changes to the running container.\n");
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            String name = property.getKey();
            String hint = null;
            int colon = name.indexOf(':');
            if (colon >= 0) {
                hint = name.substring(colon + 1);
                name = name.substring(0, colon);
            }
            text.append(escapeKey(name)).append(" = ").append(value(key + "/" + name, property.getValue(), hint)).append('\n');
        }
        return text.toString();
    }

    private static String value(String where, Object value, String hint) {
        if (value instanceof List<?> list) {
            String elementHint = hint == null ? null : hint.replace("[]", "");
            String prefix = list.isEmpty() ? "" : prefix(where, list.get(0), elementHint);
            StringBuilder array = new StringBuilder(prefix).append("[ ");
            for (int i = 0; i < list.size(); i++) {
                if (!prefix(where, list.get(i), elementHint).equals(prefix)) {
                    throw new IllegalArgumentException(where + ": array elements must share one type");
                }
                array.append(i > 0 ? ", " : "").append(quoted(list.get(i)));
            }
            return array.append(" ]").toString();
        }
        return prefix(where, value, hint) + quoted(value);
    }

    private static String prefix(String where, Object value, String hint) {
        if (hint != null) {
            String prefix = PREFIXES.get(hint.replace("[]", ""));
            if (prefix == null) {
                throw new IllegalArgumentException(where + ": unknown type hint '" + hint + "'; use one of " + PREFIXES.keySet());
            }
            return prefix;
        }
        if (value instanceof String) {
            return "";
        }
        if (value instanceof Boolean) {
            return "B";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
            return "L";
        }
        if (value instanceof Number) {
            return "D";
        }
        throw new IllegalArgumentException(where + ": a configuration value must be a string, number, boolean "
                + "or an array of them, got " + (value == null ? "null" : value.getClass().getSimpleName()));
    }

    // Two layers of escaping: the typed value's quotes and backslashes, then the properties file's backslashes
    private static String quoted(Object value) {
        String typed = String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"");
        String line = typed.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        return "\"" + line + "\"";
    }

    private static String escapeKey(String key) {
        return key.replace("\\", "\\\\").replace(" ", "\\ ").replace("=", "\\=").replace(":", "\\:");
    }
}
