package org.webaccel.models.internal.descriptor;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.TensorSpec;

/**
 * Whether what a descriptor.json declares of a model's inputs or outputs agrees with its graph: the same
 * names, element types and ranks, and no dimension the graph fixes declared otherwise. A descriptor may name a
 * dimension the graph leaves open (symbolic) with a size or another symbol.
 */
final class SignatureCheck {
    private SignatureCheck() {
    }

    /**
     * @param kind {@code input} or {@code output}
     * @param declared what the descriptor says
     * @param graph what the graph says
     * @param descriptor the descriptor file, for the message
     * @param model the model file, for the message
     * @throws InvalidDescriptorException naming both files and the first disagreement
     */
    static void agree(String kind, List<TensorSpec> declared, List<TensorSpec> graph, String descriptor,
            String model) throws InvalidDescriptorException {
        Map<String, TensorSpec> byName = graph.stream().collect(Collectors.toMap(TensorSpec::name,
                Function.identity()));
        List<String> declaredNames = declared.stream().map(TensorSpec::name).sorted().toList();
        List<String> graphNames = byName.keySet().stream().sorted().toList();
        if (!declaredNames.equals(graphNames)) {
            throw disagree(descriptor, model, "the descriptor lists " + kind + "s " + declaredNames + ", the graph "
                    + graphNames);
        }
        for (TensorSpec d : declared) {
            TensorSpec g = byName.get(d.name());
            String what = kind + " '" + d.name() + "'";
            if (d.dtype() != g.dtype()) {
                throw disagree(descriptor, model, what + " is " + d.dtype() + " in the descriptor, " + g.dtype()
                        + " in the graph");
            }
            if (d.shape().size() != g.shape().size()) {
                throw disagree(descriptor, model, what + " has rank " + d.shape().size() + " " + d.shape()
                        + " in the descriptor, " + g.shape().size() + " " + g.shape() + " in the graph");
            }
            for (int i = 0; i < d.shape().size(); i++) {
                Dim dd = d.shape().get(i);
                Dim gd = g.shape().get(i);
                if (!gd.isSymbolic() && (dd.isSymbolic() || dd.size() != gd.size())) {
                    throw disagree(descriptor, model, what + " dimension " + i + " is " + dd + " in the descriptor, "
                            + "fixed at " + gd + " in the graph");
                }
            }
        }
    }

    private static InvalidDescriptorException disagree(String descriptor, String model, String problem) {
        return new InvalidDescriptorException(descriptor, "contradicts " + model + ": " + problem);
    }
}
