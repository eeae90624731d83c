package dev.visage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class VisageApplicationTest {

    @Test
    void helpPrintsHowToUseTheCommandsAndStartsNothing(CapturedOutput output) throws IOException {
        VisageApplication.main(new String[] {"--help"});

        // Nothing but the text: a Spring application or DJL starting would log.
        assertThat(output.getOut()).isEqualTo(VisageApplication.usage());
        assertThat(output.getErr()).isEmpty();
        assertThat(output.getOut())
                .contains("java -jar visage.jar [--key=value ...]")
                .contains("java -jar visage.jar train")
                .contains("java -jar visage.jar identify")
                .contains("docs/settings.md");
    }
}
