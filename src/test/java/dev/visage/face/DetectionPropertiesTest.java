package dev.visage.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class DetectionPropertiesTest {

    private static DetectionProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("visage.detection", DetectionProperties.class);
    }

    @Test
    void theServiceDefaultsAreTheDetectorDefaults() {
        assertThat(bind(Map.of()).toSettings()).isEqualTo(DetectorSettings.defaults());
    }

    @Test
    void withoutProposalsTheMainCascadeScansAlone() {
        DetectorSettings settings =
                bind(Map.of("visage.detection.proposals", "none")).toSettings();

        assertThat(settings.proposalCascade()).isNull();
        assertThat(FaceFraming.forDetector(settings)).isEqualTo(FaceFraming.HAAR_FRONTALFACE_ALT2);
        assertThat(FaceFraming.forDetector(DetectorSettings.defaults()))
                .isEqualTo(FaceFraming.HAAR_FRONTALFACE_ALT2_CHECKING_LBP);
    }
}
