package dev.visage.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.visage.dataset.LfwVariant;
import dev.visage.dataset.PeopleSelection;
import dev.visage.training.BaseRecipe;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingProperties;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * The body of {@code POST /train}: overrides of the configured defaults ({@code visage.training.*},
 * {@code visage.lfw.variant}). Every field is optional; a missing one keeps its default. A job shows the complete
 * request it runs with, so posting a job's {@code settings} again repeats its run under the same configuration.
 *
 * @param people a number N (the N people with the most images), a list of at least 2 distinct names (exactly
 *        these people, in this class order) or {@code "enrolled"} (the enrolled people with enough photos, LFW's
 *        people then being outsiders only)
 * @param epochs maximum epochs
 * @param batchSize images per optimizer step
 * @param learningRate peak learning rate
 * @param seed seed of the split, initial weights, shuffling and augmentation
 * @param variant LFW variant to train on: original, funneled or deepfunneled
 * @param promote what to do with the stored model: {@code auto} (the quality gate decides; the default),
 *        {@code never} (keep it as a candidate) or {@code force} (serve it if it passes its self-test)
 * @param kind what to train: {@code model} (the default) or {@code base} (the face base, on LFW's people outside the
 *        models'; {@code epochs}, {@code batchSize}, {@code learningRate} and {@code seed} override its recipe's)
 * @param fromBase whether a model starts from the newest stored face base's trunk (its network and input size, a new
 *        output layer); false: from scratch; default: from a stored base (the enrolled people need one); not a base's
 */
@Schema(description = "Overrides of the training defaults; every field is optional")
@FromBaseOfAModel
public record TrainingRequest(
        @Schema(
                description = "A number N (the N people with the most images), a list of at least 2 distinct "
                        + "names, or \"enrolled\" (the enrolled people with at least 3 photos each)",
                oneOf = {Integer.class, String[].class, String.class},
                example = "10")
        @ValidPeople
        People people,

        @Schema(example = "40")
        @Min(1)
        @Max(TrainingProperties.MAX_EPOCHS)
        @JsonDeserialize(using = WholeNumber.IntegerValue.class)
        Integer epochs,

        @Schema(example = "64")
        @Min(1)
        @Max(TrainingProperties.MAX_BATCH_SIZE)
        @JsonDeserialize(using = WholeNumber.IntegerValue.class)
        Integer batchSize,

        @Schema(example = "0.003")
        @DecimalMin(value = "0.0", inclusive = false)
        @DecimalMax(TrainingProperties.MAX_LEARNING_RATE)
        Float learningRate,

        @Schema(example = "42") @JsonDeserialize(using = WholeNumber.LongValue.class)
        Long seed,

        @Schema(
                type = "string",
                allowableValues = {"original", "funneled", "deepfunneled"})
        LfwVariant variant,

        @Schema(
                type = "string",
                allowableValues = {"auto", "never", "force"},
                defaultValue = "auto")
        PromotionPolicy promote,

        @Schema(
                type = "string",
                allowableValues = {"model", "base"},
                defaultValue = "model")
        TrainingKind kind,

        @Schema(
                description = "Start from the newest stored face base's trunk (a model only); 409 no-face-base"
                        + " when none is stored; false: from scratch. Default: from the base when one is stored"
                        + " (the enrolled people need one)")
        Boolean fromBase) {

    /** No overrides: train with the configured defaults. */
    public static final TrainingRequest DEFAULTS =
            new TrainingRequest(null, null, null, null, null, null, null, null, null);

    /** Train a face base with its recipe's defaults. */
    public static final TrainingRequest BASE =
            new TrainingRequest(null, null, null, null, null, null, null, TrainingKind.BASE, null);

    /** A request that leaves the promotion to the quality gate. */
    public TrainingRequest(
            People people, Integer epochs, Integer batchSize, Float learningRate, Long seed, LfwVariant variant) {
        this(people, epochs, batchSize, learningRate, seed, variant, null, null, null);
    }

    /** The request that repeats a run: every field set. */
    static TrainingRequest of(TrainingConfig config, LfwVariant variant, PromotionPolicy promotion, TrainingKind kind) {
        return new TrainingRequest(
                People.of(config.people()),
                config.epochs(),
                config.batchSize(),
                config.learningRate(),
                config.seed(),
                variant,
                promotion,
                kind,
                config.fromBase());
    }

    /** The requested kind, {@link TrainingKind#MODEL} when none is requested. */
    TrainingKind kindOrModel() {
        return kind == null ? TrainingKind.MODEL : kind;
    }

    /** The requested promotion, {@link PromotionPolicy#AUTO} when none is requested. */
    PromotionPolicy promotion() {
        return promote == null ? PromotionPolicy.AUTO : promote;
    }

    /** {@code defaults} with this request's overrides applied; a base's epochs and learning rate are its recipe's. */
    TrainingConfig applyTo(TrainingConfig defaults) {
        boolean base = kindOrModel() == TrainingKind.BASE;
        int runEpochs = epochs != null ? epochs : base ? BaseRecipe.STANDARD.epochs() : defaults.epochs();
        float defaultRate = base ? BaseRecipe.STANDARD.learningRate() : defaults.learningRate();
        TrainingConfig config = new TrainingConfig(
                people == null ? defaults.people() : people.toSelection(),
                seed == null ? defaults.seed() : seed,
                defaults.crop(),
                defaults.network(),
                runEpochs,
                batchSize == null ? defaults.batchSize() : batchSize,
                learningRate == null ? defaultRate : learningRate,
                defaults.weightDecay(),
                defaults.warmupEpochs(),
                defaults.labelSmoothing(),
                defaults.patience(),
                defaults.augmentation(),
                defaults.openSet());
        return fromBase == null ? config : config.withFromBase(fromBase);
    }

    /** The requested LFW variant, or {@code configured} when none is requested. */
    LfwVariant variantOr(LfwVariant configured) {
        return variant == null ? configured : variant;
    }

    /**
     * Who to train on, written in JSON as a number, a list of names or {@code "enrolled"}. Exactly one of the
     * components is set.
     *
     * @param count train on the {@code count} people with the most images
     * @param names train on exactly these people, in this class order
     * @param enrolled true to train on the enrolled people
     */
    public record People(Integer count, List<String> names, boolean enrolled) {

        /** The enrolled people. */
        public static final People ENROLLED = new People(null, null, true);

        public People {
            if ((count != null ? 1 : 0) + (names != null ? 1 : 0) + (enrolled ? 1 : 0) != 1) {
                throw new IllegalArgumentException("Set either a count, names or enrolled");
            }
            names = names == null ? null : List.copyOf(names);
        }

        static People of(PeopleSelection selection) {
            if (selection instanceof PeopleSelection.Top top) {
                return new People(top.count(), null, false);
            }
            if (selection instanceof PeopleSelection.Named named) {
                return new People(null, named.names(), false);
            }
            return ENROLLED;
        }

        /** Reads a JSON number, array of strings or "enrolled"; anything else makes the request body unreadable. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static People fromJson(Object json) {
            if (json instanceof Integer number) {
                return new People(number, null, false);
            }
            if (json instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
                return new People(null, list.stream().map(String.class::cast).toList(), false);
            }
            if (json instanceof String text && text.strip().equalsIgnoreCase(PeopleSelection.ENROLLED_NAME)) {
                return ENROLLED;
            }
            throw new IllegalArgumentException("people must be a number, a list of names or \"enrolled\"");
        }

        @JsonValue
        Object toJson() {
            return enrolled ? PeopleSelection.ENROLLED_NAME : count == null ? names : count;
        }

        PeopleSelection toSelection() {
            return enrolled
                    ? PeopleSelection.ENROLLED
                    : count == null ? PeopleSelection.named(names) : PeopleSelection.top(count);
        }
    }

    /** A valid {@link PeopleSelection}: the selection's own rules decide. */
    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = PeopleValidator.class)
    @interface ValidPeople {

        String message() default "must be a number >= 2, a list of at least 2 distinct names or \"enrolled\"";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    static final class PeopleValidator implements ConstraintValidator<ValidPeople, People> {

        @Override
        public boolean isValid(People people, ConstraintValidatorContext context) {
            if (people == null) {
                return true;
            }
            try {
                people.toSelection();
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
