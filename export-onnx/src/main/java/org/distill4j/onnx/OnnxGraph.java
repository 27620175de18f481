package org.distill4j.onnx;

import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * An ONNX graph built node by node, each value named after the step that makes it ({@code layers.0.gemm},
 * {@code input.scaled}), so a graph viewer shows where each part of the model went.
 */
final class OnnxGraph {
    /** The name of the batch axis, left dynamic. */
    static final String BATCH = "N";

    private final GraphProto.Builder graph = GraphProto.newBuilder();

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** Declares a float32 graph input of shape {@code [N, width]}. */
    void input(String name, int width) {
        graph.addInput(batchOf(name, width));
    }

    /** Declares a float32 graph output of shape {@code [N, width]}. */
    void output(String name, int width) {
        graph.addOutput(batchOf(name, width));
    }

    /** Adds a float32 constant of {@code dims} and returns its name. */
    String constant(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds an int64 constant (a shape for {@code Reshape}) and returns its name. */
    String int64Constant(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node of operator {@code op} with one output, named {@code output}, and returns that name. */
    String node(String op, String output, AttributeProto[] attributes, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return output;
    }

    /** As {@link #node(String, String, AttributeProto[], String...)} without attributes. */
    String node(String op, String output, String... inputs) {
        return node(op, output, new AttributeProto[0], inputs);
    }

    /** An integer attribute. */
    static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A list-of-integers attribute, e.g. {@code kernel_shape}. */
    static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A float attribute, e.g. {@code epsilon}. */
    static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    GraphProto build() {
        return graph.build();
    }

    private static ValueInfoProto batchOf(String name, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }
}
