package dev.visage.training;

import dev.visage.dataset.OutsiderSample;

/** Parts of a training recipe for tests that train only what they check. */
public final class TestRecipes {

    /** No outliers: no exposure, no calibration (the served threshold stays the configured one). */
    public static final TrainingConfig.OpenSet NO_OPEN_SET =
            new TrainingConfig.OpenSet(OutsiderSample.NONE, 0, 0, 0.01f);

    private TestRecipes() {}
}
