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
    void theServiceSearchesWithTheScanChosenWithDetectionBench() {
        assertThat(bind(Map.of()).toSettings())
                .isEqualTo(new DetectorSettings(
                        FaceDetector.HAAR_FRONTALFACE_ALT2,
                        FaceDetector.LBP_FRONTALFACE,
                        640,
                        1600,
                        1.3,
                        1.15,
                        3,
                        40,
                        24,
                        100));
    }

    @Test
    void theSmallestFaceIsTheOneSettingOfTheScan() {
        assertThat(bind(Map.of("visage.detection.min-face-size", "60")).toSettings())
                .isEqualTo(TestDetectorSettings.changing().minFaceSize(60).build());
    }

    @Test
    void withoutProposalsTheMainCascadeScansAlone() {
        DetectorSettings settings =
                bind(Map.of("visage.detection.proposals", "none")).toSettings();

        assertThat(settings.proposalCascade()).isNull();
        assertThat(BoxFraming.forDetector(settings)).isEqualTo(BoxFraming.HAAR_FRONTALFACE_ALT2);
        assertThat(BoxFraming.forDetector(TestDetectorSettings.defaults()))
                .isEqualTo(BoxFraming.HAAR_FRONTALFACE_ALT2_CHECKING_LBP);
    }
}
