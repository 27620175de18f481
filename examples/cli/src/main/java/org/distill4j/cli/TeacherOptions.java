package org.distill4j.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.distill.TeacherModels;
import org.distill4j.distill.TeacherSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the teacher's outputs come from: model files, or logits or probabilities that another framework wrote. */
final class TeacherOptions {
    /** Exactly one kind of teacher; picocli refuses two and asks for one. */
    static final class Kind {
        @Option(names = "--teacher", required = true, description = "Teacher model file; repeat for an ensemble.")
        List<Path> models = new ArrayList<>();

        @Option(names = "--teacher-logits", required = true,
                description = "A .npy of teacher logits [rows of the transfer file, classes], e.g. from PyTorch.")
        Path logits;

        @Option(names = "--teacher-probs", required = true,
                description = "A .npy of teacher probabilities [rows, classes], e.g. scikit-learn's predict_proba; turned into logits"
                        + " log(p), zeros raised to 1e-6. A teacher that is sure of its training rows (trees) gives many zeros,"
                        + " which a high -T flattens towards uniform: try T = 1 to 5.")
        Path probabilities;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Kind kind;

    @Option(names = "--teacher-rows", description = "Row ids (one per line, or a 1-D integer .npy): the transfer-file row of each row of"
            + " --teacher-logits/--teacher-probs, for a teacher that wrote a subset or another order.")
    Path rows;

    @Option(names = "--combine", defaultValue = "PROBABILITIES",
            description = "How an ensemble is averaged: PROBABILITIES (at T) or LOGITS (default: ${DEFAULT-VALUE}).")
    TeacherLogits.Combine combine;

    @Option(names = "--teacher-shifts", defaultValue = "0",
            description = "Average each teacher's soft targets at T over every shift of a transfer image by up to N pixels;"
                    + " the student still sees the images unshifted (default: ${DEFAULT-VALUE}, plain logits).")
    int shifts;

    @Mixin OnnxOptions onnx;

    /** Whether a --teacher file is a model of another format (ONNX), run outside distill4j. */
    boolean anyForeign() {
        return kind.models.stream().anyMatch(TeacherModels::isForeign);
    }

    /** Checks the options and that the files exist, before any data are read; ONNX teachers run on {@code threads} ({@code --threads}). */
    TeacherSource source(Integer threads) throws NoSuchFileException {
        if (shifts < 0) {
            throw new UsageException("--teacher-shifts must be >= 0, found " + shifts);
        }
        boolean models = !kind.models.isEmpty();
        if (shifts > 0 && !models) {
            throw new UsageException("--teacher-shifts needs --teacher model files; imported logits are used as they are");
        }
        if (rows != null && models) {
            throw new UsageException("--teacher-rows goes with --teacher-logits or --teacher-probs; model files are run on every transfer row");
        }
        for (Path p : models ? kind.models : List.of(kind.logits != null ? kind.logits : kind.probabilities)) {
            EvalCommand.requireFile(p);
        }
        if (rows != null) {
            EvalCommand.requireFile(rows);
        }
        if (models) {
            return new TeacherSource.Models(kind.models, combine, shifts, onnx.readerOptions(threads));
        }
        return kind.logits != null ? new TeacherSource.ImportedLogits(kind.logits, rows)
                : new TeacherSource.ImportedProbabilities(kind.probabilities, rows);
    }

    /** The teacher files, for the run's config. */
    List<String> describe() {
        List<String> out = new ArrayList<>();
        kind.models.forEach(p -> out.add(p.toString()));
        if (kind.logits != null) {
            out.add("logits " + kind.logits);
        }
        if (kind.probabilities != null) {
            out.add("probabilities " + kind.probabilities);
        }
        if (rows != null) {
            out.add("rows " + rows);
        }
        return out;
    }
}
