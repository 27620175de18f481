package org.distill4j.train;

import java.util.Optional;

/** Where a {@link Trainer} saves its state after each epoch and finds it again to resume. */
public interface Checkpoints {
    /** The newest complete checkpoint, if any. */
    Optional<TrainState> latest();

    /** Saves {@code state} durably (atomically: a crash leaves the previous checkpoint intact). */
    void save(TrainState state);
}
