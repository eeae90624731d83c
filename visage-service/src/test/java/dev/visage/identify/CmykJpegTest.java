package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.Multipart;
import dev.visage.SyntheticLfw;
import dev.visage.SyntheticService;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A CMYK or YCCK JPEG of a face is the same person, in the same colours, as its RGB twin. The three JPEGs are made
 * here from one synthetic photo, {@code SyntheticLfw.image(0, new Random(777))} (never LFW), by {@link CmykJpegs}.
 */
@SyntheticService
class CmykJpegTest {

    /** Mean difference per channel allowed between the crops the model saw, out of 255 (JPEG losses). */
    private static final int COLOUR_TOLERANCE = 8;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @LocalManagementPort
    private int managementPort;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeEach
    void awaitTheFirstModel() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        while (http.send(
                                java.net.http.HttpRequest.newBuilder(readiness).build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                != 200) {
            assertThat(System.nanoTime()).as("no model after 4 minutes").isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cmyk-face.jpg", "ycck-face.jpg"})
    void isTheSamePersonInTheSameColoursAsItsRgbTwin(String fixture) throws Exception {
        JsonNode rgb = identify("rgb-face.jpg");
        JsonNode cmyk = identify(fixture);
        assertThat(rgb.get("person").asString())
                .isEqualTo(SyntheticLfw.names(SyntheticService.PEOPLE).get(0));
        assertThat(cmyk.get("person").asString()).isEqualTo(rgb.get("person").asString());
        int[] expected = meanRgb(rgb.get("faceCrop").asString());
        int[] actual = meanRgb(cmyk.get("faceCrop").asString());
        for (int channel = 0; channel < 3; channel++) {
            assertThat(actual[channel])
                    .as("mean of channel %d of the crop: %s vs the RGB twin's %s", channel, actual, expected)
                    .isCloseTo(expected[channel], org.assertj.core.data.Offset.offset(COLOUR_TOLERANCE));
        }
    }

    @Test
    void theFixturesAreWhatTheyClaim() throws Exception {
        // Adobe APP14 segments: transform 0 (CMYK) and 2 (YCCK); the RGB twin has none.
        assertThat(adobeTransform(fixture("cmyk-face.jpg"))).isZero();
        assertThat(adobeTransform(fixture("ycck-face.jpg"))).isEqualTo(2);
        assertThat(adobeTransform(fixture("rgb-face.jpg"))).isEqualTo(-1);
    }

    private JsonNode identify(String fixture) throws Exception {
        HttpResponse<String> response = http.send(
                Multipart.post(
                                URI.create("http://127.0.0.1:" + port + "/identify?crop=true&detect=false"),
                                "image",
                                fixture,
                                "image/jpeg",
                                fixture(fixture))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(fixture + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** {@code rgb-face.jpg}, {@code cmyk-face.jpg} or {@code ycck-face.jpg}, written from the same photo. */
    private static byte[] fixture(String name) throws IOException {
        BufferedImage face = SyntheticLfw.image(0, new Random(777));
        return switch (name) {
            case "rgb-face.jpg" -> CmykJpegs.rgb(face);
            case "cmyk-face.jpg" -> CmykJpegs.fourChannel(face, CmykJpegs.CMYK);
            case "ycck-face.jpg" -> CmykJpegs.fourChannel(face, CmykJpegs.YCCK);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static int[] meanRgb(String dataUrl) throws IOException {
        byte[] png = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        long[] sums = new long[3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                sums[0] += (rgb >> 16) & 0xff;
                sums[1] += (rgb >> 8) & 0xff;
                sums[2] += rgb & 0xff;
            }
        }
        long pixels = (long) image.getWidth() * image.getHeight();
        return new int[] {(int) (sums[0] / pixels), (int) (sums[1] / pixels), (int) (sums[2] / pixels)};
    }

    /** The transform byte of a JPEG's Adobe APP14 segment, or -1 without one. */
    private static int adobeTransform(byte[] jpeg) {
        int at = 2;
        while (at + 4 < jpeg.length && (jpeg[at] & 0xff) == 0xff) {
            int marker = jpeg[at + 1] & 0xff;
            int length = ((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff);
            if (marker == 0xee
                    && new String(jpeg, at + 4, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("Adobe")) {
                return jpeg[at + 4 + 11] & 0xff;
            }
            if (marker == 0xda) {
                break;
            }
            at += 2 + length;
        }
        return -1;
    }
}
