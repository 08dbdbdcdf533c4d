package org.webaccel.models.internal.demo;

import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.onnx.Onnx.ModelProto;

/** A built-in model: its descriptor and a graph whose inputs and outputs are built from that descriptor. */
interface DemoModel {

    /** @return the descriptor written beside the model */
    ModelDescriptor descriptor();

    /** @return the ONNX model; the same bytes on every call and every machine */
    ModelProto build();
}
