package org.distill4j.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.io.ModelFile;
import org.distill4j.onnx.OnnxExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code distill4j export}: writes a model file as an ONNX graph that takes raw features, for any ONNX runtime. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model as an ONNX file (opset " + OnnxExporter.OPSET + ") that takes raw features: its preprocessing"
                + " is in the graph, its class names in the metadata.")
final class ExportCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;

    @Option(names = "--model", required = true, description = "A model file written by train or distill.")
    Path model;

    @Option(names = "--onnx", required = true, description = "The ONNX file to write (replaced if it exists).")
    Path onnx;

    @Override
    public Integer call() throws Exception {
        EvalCommand.requireFile(model);
        requireExportModule();
        Path folder = onnx.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new NoSuchFileException(String.valueOf(folder), null, "the folder of --onnx " + onnx + " does not exist");
        }
        backendOptions.check();
        try (Backend backend = backendOptions.create(); ModelFile.Saved saved = ModelFile.read(backend, model)) {
            OnnxExporter.write(saved.model(), saved.schema(), onnx);
            System.out.printf("wrote %s: ONNX opset %d, input '%s' [N, %d] of raw features (%s), output '%s' [N, %d] logits%s%n",
                    onnx, OnnxExporter.OPSET, OnnxExporter.INPUT, saved.model().inputSize(), saved.schema().preprocessing(),
                    OnnxExporter.OUTPUT, saved.model().outputSize(), saved.schema().classNames() == null ? ""
                            : " of classes " + String.join(", ", saved.schema().classNames()));
        }
        return 0;
    }

    /** The export module is beside the shaded jar, not in it; a launcher that left it out gets a sentence, not a trace. */
    private static void requireExportModule() {
        try {
            Class.forName("org.distill4j.onnx.OnnxExporter", false, ExportCommand.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("export needs distill4j-export-onnx and protobuf-java on the class path"
                    + " (./distill4j adds examples/cli/target/onnx/*)");
        }
    }
}
