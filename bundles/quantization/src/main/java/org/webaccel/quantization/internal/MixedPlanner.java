package org.webaccel.quantization.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders the ways of making a model smaller by how little accuracy each costs per byte saved.
 *
 * <p>The path starts with every layer at the widest candidate width. Each step lowers one layer to a
 * narrower candidate, choosing, among all layers and all narrower widths that save bytes, the one whose
 * added error (the layer's measured sensitivity) per byte saved is least. The path ends when no step saves
 * a byte. A size budget takes the first plan on the path that fits; an accuracy budget the last plan
 * whose measured accuracy still meets it. Measured per-layer errors add up only roughly, so the chosen
 * plan is always measured as a whole before it is kept.
 */
final class MixedPlanner {
    private MixedPlanner() {
    }

    /**
     * @param layers the layers in model order
     * @param candidates the widths, any order
     * @param error per layer name and width, the layer's sensitivity
     * @param bytes per layer name and width, the bytes the quantized layer takes
     * @return the plans along the path, the widest first; each maps layer name to width
     */
    static List<Map<String, Integer>> path(List<Layer> layers, List<Integer> candidates,
            Map<String, Map<Integer, Double>> error, Map<String, Map<Integer, Long>> bytes) {
        List<Integer> widths = candidates.stream().sorted().toList();
        Map<String, Integer> plan = new LinkedHashMap<>();
        layers.forEach(l -> plan.put(l.name(), widths.get(widths.size() - 1)));
        List<Map<String, Integer>> path = new ArrayList<>();
        path.add(Map.copyOf(plan));
        for (;;) {
            String bestLayer = null;
            int bestWidth = 0;
            double bestRatio = Double.POSITIVE_INFINITY;
            for (Layer l : layers) {
                int current = plan.get(l.name());
                for (int w : widths) {
                    if (w >= current) {
                        continue;
                    }
                    long saved = bytes.get(l.name()).get(current) - bytes.get(l.name()).get(w);
                    if (saved <= 0) {
                        continue;
                    }
                    double added = Math.max(0, error.get(l.name()).get(w) - error.get(l.name()).get(current));
                    double ratio = added / saved;
                    if (ratio < bestRatio) {
                        bestRatio = ratio;
                        bestLayer = l.name();
                        bestWidth = w;
                    }
                }
            }
            if (bestLayer == null) {
                return path;
            }
            plan.put(bestLayer, bestWidth);
            path.add(Map.copyOf(plan));
        }
    }
}
