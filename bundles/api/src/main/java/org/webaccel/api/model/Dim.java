package org.webaccel.api.model;

import java.util.Objects;

/**
 * One dimension of a signature: a fixed size, or a symbolic name such as {@code batch} that any size
 * satisfies, provided every use of the same name in one request has the same size.
 *
 * @param size the fixed size, or -1 when symbolic
 * @param symbol the symbolic name, or null when fixed
 */
public record Dim(long size, String symbol) {

    /** Checks that exactly one of size and symbol is set. */
    public Dim {
        if ((symbol == null) == (size < 0)) {
            throw new IllegalArgumentException("a dimension is either a size >= 0 or a symbol");
        }
    }

    /** @return a fixed dimension */
    public static Dim of(long size) {
        return new Dim(size, null);
    }

    /** @return a symbolic dimension */
    public static Dim symbolic(String symbol) {
        return new Dim(-1, Objects.requireNonNull(symbol, "symbol"));
    }

    /** @return true when the dimension is symbolic */
    public boolean isSymbolic() {
        return symbol != null;
    }

    @Override
    public String toString() {
        return isSymbolic() ? symbol : Long.toString(size);
    }
}
