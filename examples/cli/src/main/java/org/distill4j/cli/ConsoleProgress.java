package org.distill4j.cli;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.distill4j.train.Evaluation;
import org.distill4j.train.TrainListener;
import org.distill4j.train.TrainResult;

/**
 * Shows training progress: on a terminal a progress bar per epoch with ETA and running loss;
 * elsewhere (logs, CI) one line per epoch.
 */
final class ConsoleProgress implements TrainListener {
    private final String label;
    private final PrintStream out;
    private final boolean terminal;
    private ProgressBar bar;
    private double runningLoss = Double.NaN;

    ConsoleProgress(String label, PrintStream out) {
        this.label = label;
        this.out = out;
        this.terminal = isTerminal();
    }

    @Override
    public void onStart(TrainInfo info) {
        out.printf("[%s] %s: %d examples, %d parameters, %d steps/epoch, backend %s%s%n", label, info.objective(),
                info.examples(), info.parameters(), info.stepsPerEpoch(), info.backend(),
                info.startEpoch() > 0 ? ", resuming after epoch " + info.startEpoch() : "");
    }

    @Override
    public void onStep(StepReport step) {
        double loss = step.loss().total();
        runningLoss = Double.isNaN(runningLoss) ? loss : 0.98 * runningLoss + 0.02 * loss;
        if (!terminal) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format("%s %d", label, step.epoch() + 1))
                    .setInitialMax(step.stepsPerEpoch())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(200)
                    .continuousUpdate()
                    .build();
        }
        bar.stepTo(step.stepInEpoch() + 1);
        bar.setExtraMessage(String.format("loss %.4f", runningLoss));
    }

    @Override
    public void onEpoch(EpochReport e) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        Evaluation ev = e.evaluation();
        out.printf("[%s] epoch %d/%d  loss %.4f  lr %.4g  %s  %.1f s%n", label, e.epoch() + 1, e.epochs(),
                e.meanLoss().total(), e.learningRate(),
                ev == null ? "" : String.format("val errors %d/%d", ev.errors(), ev.examples()), e.seconds());
    }

    @Override
    public void onEnd(TrainResult r) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** True when standard output is an interactive terminal (Console.isTerminal on JDK 22+, else console presence). */
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
