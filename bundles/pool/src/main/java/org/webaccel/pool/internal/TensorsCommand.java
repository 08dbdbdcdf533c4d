package org.webaccel.pool.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.tensors.TensorSharing;
import org.webaccel.gogo.GogoCommand;

/** The Gogo command {@code pool:tensors}: the shared tensors the pages hold, and each page's use of its budget. */
@Component(service = TensorsCommand.class)
@GogoCommand(scope = "pool", function = "tensors")
public final class TensorsCommand {
    private final TensorSharing sharing;

    /** @param sharing the pool's tensor sharing */
    @Activate
    public TensorsCommand(@Reference TensorSharing sharing) {
        this.sharing = sharing;
    }

    /**
     * Lists the shared tensors.
     *
     * @return the table
     */
    public String tensors() {
        List<SharedTensor> all = sharing.tensors();
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-8s %-16s %-20s %-20s %-24s %10s %-10s %4s %-6s %s%n", "ID", "WORKER", "MODEL",
                "OUTPUT", "TENSOR", "BYTES", "LOCATION", "REFS", "PINNED", "IDLE"));
        long now = System.currentTimeMillis();
        for (SharedTensor t : all) {
            out.append(String.format("%-8s %-16s %-20s %-20s %-24s %10d %-10s %4d %-6s %.1f s%n", t.id(), t.worker(),
                    t.model(), t.output(), SharedTensors.describe(t.dtype(), t.shape()), t.byteSize(), t.location(),
                    t.references(), t.pinned() ? "yes" : "no", (now - t.lastUsedMillis()) / 1000.0));
        }
        Map<String, Long> used = sharing.bytesByWorker();
        out.append(all.size()).append(" shared tensor(s)");
        if (used.isEmpty()) {
            out.append("; no page holds any");
        }
        out.append("; budget ").append(sharing.budgetBytesPerPage()).append(" bytes per page").append('\n');
        used.forEach((worker, bytes) -> out.append("  ").append(worker).append(": ").append(bytes)
                .append(" bytes held\n"));
        out.append("moved between pages: ").append(sharing.tensorsMoved()).append(" tensor(s), ")
                .append(sharing.bytesMoved()).append(" bytes\n");
        return out.toString();
    }

    /**
     * Pins, unpins, releases or deletes one shared tensor.
     *
     * @param action {@code pin}, {@code unpin}, {@code release} or {@code delete}
     * @param id the tensor's id
     * @return the tensor after the change, or that it was deleted
     * @throws IllegalArgumentException for an unknown action
     */
    public String tensors(String action, String id) {
        SharedTensor after = switch (action) {
            case "pin" -> sharing.pin(id, true);
            case "unpin" -> sharing.pin(id, false);
            case "release" -> sharing.release(id);
            case "delete" -> {
                sharing.delete(id);
                yield null;
            }
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; use pin, unpin, release "
                    + "or delete");
        };
        return after == null ? "deleted " + id + "\n" : String.format("%s on %s: %d reference(s), %s%n", after.id(),
                after.worker(), after.references(), after.pinned() ? "pinned" : "not pinned");
    }
}
