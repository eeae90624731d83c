package dev.visage.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class AdminConfigurationTest {

    private static final Pattern GENERATED =
            Pattern.compile("Admin token not set; generated one for this run: ([A-Za-z0-9_-]+)");

    @Test
    void generatesARandomTokenAndLogsItOnceWhenNoneIsSet(CapturedOutput output) {
        new WebApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .run(context -> assertThat(context).hasNotFailed());

        Matcher logged = GENERATED.matcher(output);
        assertThat(logged.find()).isTrue();
        assertThat(logged.group(1)).hasSize(43);
        assertThat(logged.find()).isFalse();
    }

    @Test
    void usesTheConfiguredToken(CapturedOutput output) {
        new WebApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .withPropertyValues("visage.admin.token=s3cret")
                .run(context -> assertThat(context).hasNotFailed());

        assertThat(output).doesNotContain("Admin token not set");
    }

    @Test
    void needsProtectedPaths() {
        new WebApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .withPropertyValues("visage.admin.token=s3cret", "visage.admin.protected-paths=")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void staysOutOfTheTrainCommand(CapturedOutput output) {
        new ApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .run(context -> assertThat(context).doesNotHaveBean(AdminConfiguration.class));

        assertThat(output).doesNotContain("Admin token not set");
    }

    /** What a protected operation carries: the admin bearer token scheme. */
    private static final List<SecurityRequirement> ADMIN = List.of(new SecurityRequirement().addList("adminToken"));

    /** A document with protected and open paths, as springdoc hands it to the customizer. */
    private static OpenAPI api() {
        return new OpenAPI()
                .paths(new Paths()
                        .addPathItem(
                                "/train", new PathItem().get(new Operation()).post(new Operation()))
                        .addPathItem(
                                "/train/{id}",
                                new PathItem().get(new Operation()).delete(new Operation()))
                        .addPathItem("/trainer", new PathItem().get(new Operation()))
                        .addPathItem("/identify", new PathItem().post(new Operation()))
                        .addPathItem("/model", new PathItem().get(new Operation())));
    }

    /** The security requirements of each path's operations, by path. */
    private static Map<String, List<List<SecurityRequirement>>> security(OpenAPI api) {
        return api.getPaths().entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        path -> path.getValue().readOperations().stream()
                                .map(Operation::getSecurity)
                                .toList()));
    }

    @Test
    void marksTheProtectedPathsAsNeedingTheTokenInTheOpenApiDocument() {
        new WebApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .withPropertyValues("visage.admin.token=s3cret")
                .run(context -> {
                    OpenAPI api = api();
                    context.getBean(OpenApiCustomizer.class).customise(api);

                    Map<String, List<List<SecurityRequirement>>> security = security(api);
                    assertThat(security.get("/train")).containsExactly(ADMIN, ADMIN);
                    assertThat(security.get("/train/{id}")).containsExactly(ADMIN, ADMIN);
                    assertThat(security.get("/trainer")).containsOnlyNulls();
                    assertThat(security.get("/identify")).containsOnlyNulls();
                    assertThat(security.get("/model")).containsOnlyNulls();
                });
    }

    @Test
    void marksTheConfiguredProtectedPaths() {
        new WebApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .withPropertyValues("visage.admin.token=s3cret", "visage.admin.protected-paths=/model")
                .run(context -> {
                    OpenAPI api = api();
                    context.getBean(OpenApiCustomizer.class).customise(api);

                    Map<String, List<List<SecurityRequirement>>> security = security(api);
                    assertThat(security.get("/model")).containsExactly(ADMIN);
                    assertThat(security.get("/train")).containsOnlyNulls();
                    assertThat(security.get("/train/{id}")).containsOnlyNulls();
                });
    }
}
