package org.webaccel.models.internal.graph;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.webaccel.onnx.Onnx.StringStringEntryProto;
import org.webaccel.onnx.Onnx.TensorProto.DataLocation;

/**
 * Finds, while model.onnx is streamed, the tensors that keep their data outside it: initializers (dense and
 * sparse) and tensor attributes of nodes, in the main graph, its subgraphs (e.g. the branches of an {@code If})
 * and the model's functions. Only names and {@code external_data} entries are read; tensor data is skipped.
 */
final class ExternalTensors {
    // Field numbers of the ONNX schema (onnx-ml.proto).
    static final int GRAPH_NODE = 1;
    static final int GRAPH_INITIALIZER = 5;
    static final int GRAPH_SPARSE_INITIALIZER = 15;
    static final int FUNCTION_NODE = 7;
    private static final int NODE_NAME = 3;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_TENSOR = 5;
    private static final int ATTRIBUTE_GRAPH = 6;
    private static final int ATTRIBUTE_TENSORS = 10;
    private static final int ATTRIBUTE_GRAPHS = 11;
    private static final int ATTRIBUTE_SPARSE_TENSOR = 22;
    private static final int ATTRIBUTE_SPARSE_TENSORS = 23;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;

    private final List<ExternalTensor> found = new ArrayList<>();

    /** @return the tensors found so far that keep their data outside the model file, in file order */
    List<ExternalTensor> found() {
        return List.copyOf(found);
    }

    /** Reads one initializer (a length-delimited TensorProto) and returns its name. */
    String initializer(CodedInputStream c) throws IOException {
        return tensor(c, "initializer");
    }

    /** Reads one sparse initializer and returns the name of its values, which is the name the graph uses. */
    String sparseInitializer(CodedInputStream c) throws IOException {
        return sparse(c, "sparse initializer");
    }

    /** Reads one node (a length-delimited NodeProto), looking into its tensor and graph attributes. */
    void node(CodedInputStream c) throws IOException {
        int limit = c.pushLimit(c.readRawVarint32());
        String name = "";
        List<ExternalTensor> own = new ArrayList<>();
        for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
            switch (fieldOf(tag)) {
                case NODE_NAME -> name = c.readString();
                case NODE_ATTRIBUTE -> attribute(c, own);
                default -> c.skipField(tag);
            }
        }
        c.popLimit(limit);
        for (ExternalTensor t : own) {
            found.add(new ExternalTensor(t.owner() + " of node '" + name + "'", t.location(), t.offset(),
                    t.length()));
        }
    }

    /** Reads a subgraph (a length-delimited GraphProto): its initializers and nodes. */
    void graph(CodedInputStream c) throws IOException {
        int limit = c.pushLimit(c.readRawVarint32());
        for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
            switch (fieldOf(tag)) {
                case GRAPH_INITIALIZER -> initializer(c);
                case GRAPH_SPARSE_INITIALIZER -> sparseInitializer(c);
                case GRAPH_NODE -> node(c);
                default -> c.skipField(tag);
            }
        }
        c.popLimit(limit);
    }

    /** Reads a function (a length-delimited FunctionProto): its nodes. */
    void function(CodedInputStream c) throws IOException {
        int limit = c.pushLimit(c.readRawVarint32());
        for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
            if (fieldOf(tag) == FUNCTION_NODE) {
                node(c);
            } else {
                c.skipField(tag);
            }
        }
        c.popLimit(limit);
    }

    /** Reads an AttributeProto; external tensors go to {@code own}, named after the attribute (the node adds itself). */
    private void attribute(CodedInputStream c, List<ExternalTensor> own) throws IOException {
        int limit = c.pushLimit(c.readRawVarint32());
        String name = "";
        // the attribute's tensors are collected apart, so they can be told by the node's name afterwards
        ExternalTensors inner = new ExternalTensors();
        for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
            switch (fieldOf(tag)) {
                case ATTRIBUTE_NAME -> name = c.readString();
                case ATTRIBUTE_TENSOR, ATTRIBUTE_TENSORS -> inner.tensor(c, "tensor");
                case ATTRIBUTE_SPARSE_TENSOR, ATTRIBUTE_SPARSE_TENSORS -> inner.sparse(c, "sparse tensor");
                case ATTRIBUTE_GRAPH, ATTRIBUTE_GRAPHS -> inner.graph(c);
                default -> c.skipField(tag);
            }
        }
        c.popLimit(limit);
        for (ExternalTensor t : inner.found) {
            own.add(new ExternalTensor(t.owner() + " in attribute '" + name + "'", t.location(), t.offset(),
                    t.length()));
        }
    }

    private String sparse(CodedInputStream c, String kind) throws IOException {
        int limit = c.pushLimit(c.readRawVarint32());
        String name = "";
        for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
            switch (fieldOf(tag)) {
                case SPARSE_VALUES -> name = tensor(c, kind);
                case SPARSE_INDICES -> tensor(c, "indices of " + kind);
                default -> c.skipField(tag);
            }
        }
        c.popLimit(limit);
        return name;
    }

    /** Reads a TensorProto's name and external data entries, skipping its data. */
    private String tensor(CodedInputStream c, String kind) throws IOException {
        int limit = c.pushLimit(c.readRawVarint32());
        String name = "";
        boolean external = false;
        String location = null;
        String offset = null;
        String length = null;
        for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
            switch (fieldOf(tag)) {
                case TENSOR_NAME -> name = c.readString();
                case TENSOR_DATA_LOCATION -> external = c.readEnum() == DataLocation.EXTERNAL_VALUE;
                case TENSOR_EXTERNAL_DATA -> {
                    StringStringEntryProto e = StringStringEntryProto.parseFrom(c.readBytes());
                    switch (e.getKey()) {
                        case "location" -> location = e.getValue();
                        case "offset" -> offset = e.getValue();
                        case "length" -> length = e.getValue();
                        default -> {
                            // "checksum" and other keys say nothing about where the bytes are
                        }
                    }
                }
                default -> c.skipField(tag);
            }
        }
        c.popLimit(limit);
        if (external) {
            found.add(new ExternalTensor(kind + " '" + name + "'", location, offset, length));
        }
        return name;
    }

    private static int fieldOf(int tag) {
        return WireFormat.getTagFieldNumber(tag);
    }
}
