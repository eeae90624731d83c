package dev.visage.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/settings.md is rendered from the configuration metadata that spring-boot-configuration-processor writes at
 * compile time from the {@code @ConfigurationProperties} records (their Javadoc is the description), so the settings
 * are documented in one place. When the records change, regenerate it with
 * {@code ./mvnw -B test -Dtest=SettingsReferenceTest -Dvisage.docs.write=true}.
 */
class SettingsReferenceTest {

    /** Each module's metadata (visage-core's settings records and the service's), found on the class path. */
    static final String METADATA = "META-INF/spring-configuration-metadata.json";

    static final Path REFERENCE = Path.of("docs/settings.md");
    static final String REGENERATE = "./mvnw -B test -Dtest=SettingsReferenceTest -Dvisage.docs.write=true";

    /** The most {@code visage.*} settings the service may have (issue #26; issue #29 added the people's 3). */
    private static final int MOST_SETTINGS = 53;

    private static final Pattern JAVADOC_TAG = Pattern.compile("\\{@(?:code|link|linkplain) ([^}]*)}");

    /** One {@code visage.*} setting as the metadata describes it. */
    record Setting(String name, String type, String defaultValue, String description) {}

    static List<Setting> settings() throws IOException {
        List<JsonNode> properties = new ArrayList<>();
        for (URL module :
                Collections.list(SettingsReferenceTest.class.getClassLoader().getResources(METADATA))) {
            try (InputStream in = module.openStream()) {
                JsonMapper.builder().build().readTree(in).get("properties").forEach(properties::add);
            }
        }
        properties.sort(Comparator.comparing(property -> property.get("name").asString()));
        List<Setting> settings = new ArrayList<>();
        for (JsonNode property : properties) {
            String name = property.get("name").asString();
            if (name.startsWith("visage.")) {
                settings.add(new Setting(
                        name,
                        property.get("type").asString(),
                        defaultValue(property.get("defaultValue")),
                        property.has("description")
                                ? property.get("description").asString()
                                : ""));
            }
        }
        return settings;
    }

    private static String defaultValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asString()));
            return String.join(",", items);
        }
        return value.asString();
    }

    /** The type as a reader writes values of it: an enum's values, otherwise the simple class name. */
    static String typeOf(String type) {
        String raw = type.replaceAll("<.*", "");
        if (raw.startsWith("dev.visage.")) {
            Class<?> resolved = ClassUtils.resolveClassName(raw, SettingsReferenceTest.class.getClassLoader());
            if (resolved.isEnum()) {
                return Arrays.stream(resolved.getEnumConstants())
                        .map(constant -> "`"
                                + constant.toString().toLowerCase(Locale.ROOT).replace('_', '-') + "`")
                        .collect(Collectors.joining(" / "));
            }
        }
        return type.replaceAll("[\\w.]*[.$](\\w+)", "$1");
    }

    /** The description as Markdown: Javadoc's inline tags become code, a table's bars are escaped. */
    static String markdown(String description) {
        Matcher tags = JAVADOC_TAG.matcher(description.replaceAll("\\s+", " ").strip());
        StringBuilder text = new StringBuilder();
        while (tags.find()) {
            String code = tags.group(1).replaceAll(".*#", "");
            tags.appendReplacement(text, Matcher.quoteReplacement("`" + code + "`"));
        }
        tags.appendTail(text);
        return text.toString().replace("|", "\\|");
    }

    static String render(List<Setting> settings) {
        StringBuilder doc = new StringBuilder()
                .append("# Settings\n\n")
                .append("<!-- Generated from the configuration metadata by SettingsReferenceTest; do not edit. ")
                .append("Regenerate: ")
                .append(REGENERATE)
                .append(" -->\n\n")
                .append("Visage's ")
                .append(settings.size())
                .append(" settings, as `application.properties` keys. Each can also be given as a command-line ")
                .append("argument (`--visage.training.epochs=40`) or an environment variable ")
                .append("(`VISAGE_TRAINING_EPOCHS=40`). An invalid value, or an unknown key under one of these ")
                .append("prefixes, stops the start with a message that names the key.\n\n")
                .append("| key | type | default | meaning |\n")
                .append("| --- | --- | --- | --- |\n");
        for (Setting setting : settings) {
            doc.append("| `")
                    .append(setting.name())
                    .append("` | ")
                    .append(typeOf(setting.type()))
                    .append(" | ")
                    .append(setting.defaultValue().isEmpty() ? "" : "`" + setting.defaultValue() + "`")
                    .append(" | ")
                    .append(markdown(setting.description()))
                    .append(" |\n");
        }
        return doc.toString();
    }

    @Test
    void theReferenceIsTheMetadataRendered() throws IOException {
        String rendered = render(settings());
        if (Boolean.getBoolean("visage.docs.write")) {
            Files.writeString(REFERENCE, rendered, StandardCharsets.UTF_8);
        }
        String written = Files.exists(REFERENCE) ? Files.readString(REFERENCE, StandardCharsets.UTF_8) : "";

        assertThat(written)
                .as("%s is out of date with the settings' metadata; regenerate it with %s", REFERENCE, REGENERATE)
                .isEqualTo(rendered);
    }

    @Test
    void everySettingIsDescribedAndThereAreFewEnough() throws IOException {
        List<Setting> settings = settings();

        assertThat(settings)
                .filteredOn(setting -> setting.description().isBlank())
                .as("settings without a description: give the record component an @param in the record's Javadoc")
                .isEmpty();
        assertThat(settings).hasSizeBetween(1, MOST_SETTINGS);
    }

    @Test
    void rendersJavadocAsMarkdownAndEnumsAsTheirValues() {
        assertThat(markdown("the {@code seed} preset,\n   see {@link TrainingConfig#STANDARD} | more"))
                .isEqualTo("the `seed` preset, see `STANDARD` \\| more");
        assertThat(typeOf("dev.visage.network.NetworkProperties$Preset")).isEqualTo("`seed` / `strong`");
        assertThat(typeOf("java.util.List<java.lang.Integer>")).isEqualTo("List<Integer>");
        assertThat(typeOf("org.springframework.util.unit.DataSize")).isEqualTo("DataSize");
    }
}
