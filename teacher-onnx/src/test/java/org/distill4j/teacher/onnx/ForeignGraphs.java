package org.distill4j.teacher.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/** Small ONNX graphs unlike distill4j's exports: image-shaped and float64 inputs, probability outputs, NaNs. */
final class ForeignGraphs {
    private ForeignGraphs() {
    }

    /**
     * {@code image} {@code [batch, 1, 2, 2]} of {@code elemType} -> Flatten -> Softmax -> {@code probabilities [batch, 4]};
     * {@code batch} 0 is the dynamic axis.
     */
    static Path softmaxOfImage(Path file, int elemType, long batch) throws IOException {
        GraphProto graph = GraphProto.newBuilder().setName("foreign")
                .addInput(value("image", elemType, batch, 1, 2, 2))
                .addNode(node("Flatten", "flat", "image").addAttribute(intAttribute("axis", 1)))
                .addNode(node("Softmax", "probabilities", "flat").addAttribute(intAttribute("axis", 1)))
                .addOutput(value("probabilities", elemType, batch, 4))
                .build();
        return write(file, graph);
    }

    /** {@code image [batch, 1, 2, 2]} float32 -> Flatten -> Sqrt -> {@code scores [batch, 4]}: NaN where a pixel is negative, 0 where shifted in. */
    static Path sqrtOfImage(Path file) throws IOException {
        int f = TensorProto.DataType.FLOAT_VALUE;
        GraphProto graph = GraphProto.newBuilder().setName("sqrt")
                .addInput(value("image", f, 0, 1, 2, 2))
                .addNode(node("Flatten", "flat", "image").addAttribute(intAttribute("axis", 1)))
                .addNode(node("Sqrt", "scores", "flat"))
                .addOutput(value("scores", f, 0, 4))
                .build();
        return write(file, graph);
    }

    /** {@code x [batch, 3]} float32 -> Log -> {@code scores}: NaN where a feature is negative. */
    static Path logOf(Path file) throws IOException {
        int f = TensorProto.DataType.FLOAT_VALUE;
        GraphProto graph = GraphProto.newBuilder().setName("log")
                .addInput(value("x", f, 0, 3))
                .addNode(node("Log", "scores", "x"))
                .addOutput(value("scores", f, 0, 3))
                .build();
        return write(file, graph);
    }

    private static Path write(Path file, GraphProto graph) throws IOException {
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(graph).build();
        Files.write(file, model.toByteArray());
        return file;
    }

    private static NodeProto.Builder node(String op, String output, String input) {
        return NodeProto.newBuilder().setOpType(op).setName(output).addInput(input).addOutput(output);
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A tensor value of {@code dims}, where 0 is the dynamic batch axis {@code N}. */
    private static ValueInfoProto value(String name, int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d == 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }
}
