package org.webaccel.quantization.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.TensorProto;

/**
 * The graphs nested in a graph's nodes (the branches of If, the bodies of Loop and Scan): what they
 * read from outside and what they hold.
 */
final class Subgraphs {
    private Subgraphs() {
    }

    /** @return the graphs held by the node's attributes */
    static List<GraphProto> of(NodeProto node) {
        List<GraphProto> graphs = new ArrayList<>();
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                graphs.add(a.getG());
            }
            graphs.addAll(a.getGraphsList());
        }
        return graphs;
    }

    /** Adds to {@code names} every value that a node of the graph or of its nested graphs reads. */
    static void collectReads(GraphProto graph, Set<String> names) {
        for (NodeProto n : graph.getNodeList()) {
            names.addAll(n.getInputList());
            for (GraphProto g : of(n)) {
                collectReads(g, names);
            }
        }
    }

    /** Adds to {@code names} every name the graph and its nested graphs define or read. */
    static void collectNames(GraphProto graph, Set<String> names) {
        graph.getInputList().forEach(v -> names.add(v.getName()));
        graph.getOutputList().forEach(v -> names.add(v.getName()));
        graph.getInitializerList().forEach(t -> names.add(t.getName()));
        for (NodeProto n : graph.getNodeList()) {
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
            for (GraphProto g : of(n)) {
                collectNames(g, names);
            }
        }
    }

    /** Adds to {@code graphs} every graph nested in the graph's nodes, at any depth, outer ones first. */
    static void collectNestedGraphs(GraphProto graph, List<GraphProto> graphs) {
        for (NodeProto n : graph.getNodeList()) {
            for (GraphProto g : of(n)) {
                graphs.add(g);
                collectNestedGraphs(g, graphs);
            }
        }
    }

    /** Adds to {@code constants} the tensor values of Constant nodes of the graph and its nested graphs. */
    static void collectConstantNodes(GraphProto graph, List<TensorProto> constants) {
        for (NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Constant") && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.hasT()) {
                        constants.add(a.getT().toBuilder().setName(n.getOutputCount() > 0 ? n.getOutput(0)
                                : n.getName()).build());
                    }
                }
            }
            for (GraphProto g : of(n)) {
                collectConstantNodes(g, constants);
            }
        }
    }
}
