package dev.visage.training;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.visage.face.FaceCrop;
import dev.visage.face.Preprocessing;
import dev.visage.network.FaceNetwork;
import dev.visage.network.NetworkConfig;
import dev.visage.store.StoredModel;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A stored face base's trunk as the start of a model, in DJL's transfer-learning idiom: the model takes the base's
 * network shape and input (its crop and normalisation, since the trunk learned on those), its block is built and
 * initialised as usual, then every layer but the output layer (convolutions, batch norms with their running
 * statistics, the hidden layer) gets the base's parameters, while the new output layer (the model's people and
 * background classes) keeps its fresh initialisation. The trunk trains as {@link Schedule} says.
 */
public final class BaseTrunk {

    /**
     * How the trunk trains under the new output layer.
     *
     * @param frozenEpochs epochs at the start in which the trunk does not move ({@link Block#freezeParameters}),
     *     so that the new output layer first learns on the base's features
     * @param learningRateFactor the trunk's learning rate afterwards, as a share of the run's schedule (the
     *     output layer follows the schedule itself)
     */
    public record Schedule(int frozenEpochs, float learningRateFactor) {

        /**
         * The measured default: frozen, then at the run's own rate; it named more new people right than a trunk
         * trained throughout at a tenth of the rate (docs/benchmarks.md, "The face base and new people").
         */
        public static final Schedule STANDARD = new Schedule(20, 1f);

        public Schedule {
            if (frozenEpochs < 0 || !(learningRateFactor >= 0)) {
                throw new IllegalArgumentException("frozenEpochs and learningRateFactor must be >= 0");
            }
        }
    }

    private static final Set<Parameter.Type> STATISTICS =
            EnumSet.of(Parameter.Type.RUNNING_MEAN, Parameter.Type.RUNNING_VAR);

    private final StoredModel base;
    private final Schedule schedule;

    /** @param base the loaded base, owned by the caller, open while training runs */
    public BaseTrunk(StoredModel base, Schedule schedule) {
        this.base = base;
        this.schedule = schedule;
    }

    /** The base's version, which the model's {@code model.json} records. */
    public String version() {
        return base.version();
    }

    /**
     * {@code config} with the base's network (its output layer's kind included) and input size; the dropout before
     * a linear output layer stays the model's.
     */
    public TrainingConfig configFor(TrainingConfig config) {
        NetworkConfig network = base.manifest().network();
        FaceCrop crop = base.manifest().preprocessing().crop();
        return config.withNetwork(
                new NetworkConfig(
                        network.channels(),
                        network.hiddenUnits(),
                        config.network().dropout(),
                        network.batchNorm(),
                        network.cosineHead()),
                FaceCrop.of(config.crop().cropSize(), crop.imageSize()));
    }

    /** The base's normalisation, for its input size (the model keeps the base's input statistics). */
    Preprocessing preprocessing(FaceCrop crop) {
        Preprocessing own = base.manifest().preprocessing();
        return new Preprocessing(crop, own.mean(), own.std());
    }

    /**
     * Copies the base's trunk into an initialised block of the same network, and freezes it if the schedule starts
     * frozen.
     *
     * @throws IllegalStateException if the block's trunk does not have the base's layers and shapes
     */
    void loadInto(Block block) {
        Map<String, Parameter> own = new HashMap<>();
        for (Pair<String, Parameter> parameter : base.model().getBlock().getParameters()) {
            own.put(parameter.getKey(), parameter.getValue());
        }
        Set<Parameter> head = headOf(block);
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            if (head.contains(parameter.getValue())) {
                continue;
            }
            Parameter source = own.get(parameter.getKey());
            if (source == null
                    || !source.getArray()
                            .getShape()
                            .equals(parameter.getValue().getArray().getShape())) {
                throw new IllegalStateException("The model's layer " + parameter.getKey() + " does not match face base "
                        + version() + "'s network");
            }
            source.getArray().copyTo(parameter.getValue().getArray());
        }
        if (schedule.frozenEpochs() > 0) {
            freeze(block, true);
        }
    }

    /** The run's learning rate for the output layer, {@code learningRateFactor} of it for the trunk. */
    ParameterTracker learningRates(Tracker run, Block block) {
        Set<String> headIds = headOf(block).stream().map(Parameter::getId).collect(Collectors.toSet());
        float factor = schedule.learningRateFactor();
        return (parameterId, updates) ->
                headIds.contains(parameterId) ? run.getNewValue(updates) : factor * run.getNewValue(updates);
    }

    /** Thaws the trunk after the schedule's frozen epochs. */
    TrainingListener thawing(Block block) {
        return new TrainingListenerAdapter() {
            private int epochs;

            @Override
            public void onEpoch(Trainer trainer) {
                if (++epochs == schedule.frozenEpochs()) {
                    freeze(block, false);
                }
            }
        };
    }

    /** Freezes or thaws the trunk's learned parameters (batch-norm statistics never take gradients). */
    private static void freeze(Block block, boolean frozen) {
        Set<Parameter> head = headOf(block);
        block.freezeParameters(
                frozen, parameter -> !head.contains(parameter) && !STATISTICS.contains(parameter.getType()));
    }

    private static Set<Parameter> headOf(Block block) {
        return FaceNetwork.outputLayer(block).getParameters().values().stream().collect(Collectors.toSet());
    }
}
