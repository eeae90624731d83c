package dev.visage.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.visage.dataset.LfwVariant;
import dev.visage.dataset.PeopleSelection;
import dev.visage.jobs.TrainingRequest.People;
import dev.visage.network.NetworkConfig;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingProperties;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class TrainingRequestTest {

    private static final TrainingConfig DEFAULTS = new Binder()
            .bindOrCreate("visage.training", TrainingProperties.class)
            .toConfig(NetworkConfig.SEED);

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void emptyRequestKeepsTheDefaults() {
        assertThat(TrainingRequest.DEFAULTS.applyTo(DEFAULTS)).isEqualTo(DEFAULTS);
        assertThat(TrainingRequest.DEFAULTS.variantOr(LfwVariant.DEEPFUNNELED)).isEqualTo(LfwVariant.DEEPFUNNELED);
    }

    @Test
    void overridesReplaceTheirDefaultsOnly() {
        TrainingRequest request = new TrainingRequest(
                new People(null, List.of("Ann", "Bob"), false), 1, 8, 0.01f, 7L, LfwVariant.parse("Deep-Funneled"));

        TrainingConfig config = request.applyTo(DEFAULTS);

        assertThat(config.people()).isEqualTo(PeopleSelection.named(List.of("Ann", "Bob")));
        assertThat(List.of(config.epochs(), config.batchSize(), config.warmupEpochs()))
                .containsExactly(1, 8, 0);
        assertThat(config.learningRate()).isEqualTo(0.01f);
        assertThat(config.seed()).isEqualTo(7);
        assertThat(config.crop()).isEqualTo(DEFAULTS.crop());
        assertThat(config.augmentation()).isEqualTo(DEFAULTS.augmentation());
        assertThat(request.variantOr(LfwVariant.ORIGINAL)).isEqualTo(LfwVariant.DEEPFUNNELED);
    }

    @Test
    void peopleIsANumberOrAListOfNamesInJson() {
        assertThat(read("{\"people\": 5}").people()).isEqualTo(new People(5, null, false));
        assertThat(read("{\"people\": [\"Ann\", \"Bob\"]}").people())
                .isEqualTo(new People(null, List.of("Ann", "Bob"), false));
        assertThat(read("{}")).isEqualTo(TrainingRequest.DEFAULTS);
        for (String wrong : List.of("2.5", "\"ten\"", "[\"Ann\", 3]", "{}")) {
            assertThatExceptionOfType(JacksonException.class)
                    .as(wrong)
                    .isThrownBy(() -> read("{\"people\": " + wrong + "}"));
        }
    }

    @Test
    void peopleMayBeTheEnrolledPeople() {
        TrainingRequest request = read("{\"people\": \"enrolled\"}");

        assertThat(request.people()).isEqualTo(People.ENROLLED);
        assertThat(request.applyTo(DEFAULTS).people()).isEqualTo(PeopleSelection.ENROLLED);
        // A model of the enrolled people starts from the face base unless asked not to.
        assertThat(request.applyTo(DEFAULTS).fromBase()).isTrue();
        assertThat(read("{\"people\": \"enrolled\", \"fromBase\": false}")
                        .applyTo(DEFAULTS)
                        .fromBase())
                .isFalse();
        // The same when the enrolled people are the configured default (visage.training.people=enrolled).
        TrainingConfig configured = new Binder(
                        new MapConfigurationPropertySource(Map.of("visage.training.people", "enrolled")))
                .bindOrCreate("visage.training", TrainingProperties.class)
                .toConfig(NetworkConfig.SEED);
        assertThat(configured.fromBase()).isTrue();
        assertThat(TrainingRequest.DEFAULTS.applyTo(configured).fromBase()).isTrue();
        // Others start from the base when one is stored (the pipeline decides when it runs).
        assertThat(read("{\"people\": 3}").applyTo(configured).fromBase()).isNull();
        assertThat(read("{\"people\": \" Enrolled \"}").people()).isEqualTo(People.ENROLLED);
        TrainingRequest settings = TrainingRequest.of(
                request.applyTo(DEFAULTS), LfwVariant.DEEPFUNNELED, PromotionPolicy.AUTO, TrainingKind.MODEL);
        String written = json.writeValueAsString(settings);
        assertThat(written).contains("\"people\":\"enrolled\"");
        assertThat(read(written)).isEqualTo(settings);
        assertThat(PeopleSelection.valueOf("enrolled")).isEqualTo(PeopleSelection.ENROLLED);
    }

    @Test
    void aJobsSettingsReadBackAsTheSameRequest() {
        TrainingRequest settings =
                TrainingRequest.of(DEFAULTS, LfwVariant.DEEPFUNNELED, PromotionPolicy.FORCE, TrainingKind.MODEL);

        String written = json.writeValueAsString(settings);

        assertThat(written)
                .contains(
                        "\"people\":10", "\"variant\":\"deepfunneled\"", "\"promote\":\"force\"", "\"kind\":\"model\"");
        assertThat(read(written)).isEqualTo(settings);
        assertThat(read(written).applyTo(DEFAULTS)).isEqualTo(DEFAULTS);
    }

    @Test
    void wholeNumbersMustBeWrittenAsWholeNumbers() {
        assertThat(read("{\"epochs\": 3, \"batchSize\": 16, \"seed\": 9}"))
                .isEqualTo(new TrainingRequest(null, 3, 16, null, 9L, null));
        for (String wrong :
                List.of("{\"epochs\": 1.5}", "{\"epochs\": 1.0}", "{\"batchSize\": \"16\"}", "{\"seed\": 1e3}")) {
            assertThatExceptionOfType(JacksonException.class)
                    .as(wrong)
                    .isThrownBy(() -> read(wrong))
                    .withMessageContaining("must be a whole number");
        }
    }

    @Test
    void promoteIsAutoNeverOrForceAndAutoByDefault() {
        assertThat(read("{\"promote\": \"never\"}").promote()).isEqualTo(PromotionPolicy.NEVER);
        assertThat(read("{\"promote\": \"Force\"}").promotion()).isEqualTo(PromotionPolicy.FORCE);
        assertThat(TrainingRequest.DEFAULTS.promotion()).isEqualTo(PromotionPolicy.AUTO);
        assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> read("{\"promote\": \"maybe\"}"));
    }

    @Test
    void fromBaseStartsAModelFromTheFaceBaseAndIsRecordedInTheSettings() {
        TrainingConfig config = read("{\"fromBase\": true}").applyTo(DEFAULTS);

        assertThat(config.fromBase()).isTrue();
        assertThat(TrainingRequest.DEFAULTS.applyTo(DEFAULTS).fromBase()).isNull();
        assertThat(read("{\"fromBase\": false}").applyTo(DEFAULTS).fromBase()).isFalse();
        assertThat(TrainingRequest.of(config, LfwVariant.DEEPFUNNELED, PromotionPolicy.AUTO, TrainingKind.MODEL)
                        .fromBase())
                .isTrue();
    }

    /** {@code POST /train} accepts exactly the epochs, batch sizes and learning rates that the settings accept. */
    @Test
    void theBodyAndTheSettingsRefuseTheSameValues() {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            Map<String, List<String>> values = Map.of(
                    "epochs", List.of("0", "1", "1000", "1001"),
                    "batchSize", List.of("0", "1", "4096", "4097"),
                    "learningRate", List.of("0", "0.0001", "0.5", "0.51"));
            values.forEach((field, candidates) -> {
                for (String value : candidates) {
                    TrainingProperties settings = new Binder(
                                    new MapConfigurationPropertySource(Map.of("visage.training." + field, value)))
                            .bindOrCreate("visage.training", TrainingProperties.class);
                    TrainingRequest body = read("{\"" + field + "\": " + value + "}");

                    assertThat(validator.validateProperty(body, field).isEmpty())
                            .as("%s=%s", field, value)
                            .isEqualTo(
                                    validator.validateProperty(settings, field).isEmpty());
                }
            });
            assertThat(validator.validateProperty(read("{\"epochs\": 1001}"), "epochs"))
                    .isNotEmpty();
        }
    }

    private TrainingRequest read(String body) {
        return json.readValue(body, TrainingRequest.class);
    }
}
