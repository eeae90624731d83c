package dev.visage.web.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.SyntheticLfw;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.training.FaceTrainer;
import dev.visage.training.TestRecipes;
import dev.visage.training.TrainedModel;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Drives the page at {@code /} in headless Chromium against the running service, on loopback, with a tiny model
 * trained on synthetic faces: identifies a photo, reads the model section, trains a new model through the admin
 * form and watches it replace the served one. Leaves screenshots in {@code target/}.
 *
 * <p>Uses the system's Chromium and chromedriver by explicit path, so Selenium Manager never runs and nothing is
 * downloaded; skipped where they are not installed.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "visage.train-on-startup=false",
            "visage.lfw.download=false",
            "visage.admin.token=" + WebPageBrowserTest.ADMIN_TOKEN
        })
class WebPageBrowserTest {

    static final String ADMIN_TOKEN = "page-test-admin-token";

    private static final Path REAL_PHOTO = Path.of("../shared/lfw/lfw-deepfunneled/Tony_Blair/Tony_Blair_0001.jpg");
    private static final int PEOPLE = 4;

    @TempDir
    static Path temp;

    private static String firstVersion;

    @LocalServerPort
    private int port;

    private HeadlessChromium chromium;
    private WebDriver browser;
    private WebDriverWait wait;

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) {
        registry.add("visage.models.dir", () -> temp.resolve("models").toString());
        registry.add("visage.lfw.dir", () -> temp.resolve("lfw").toString());
    }

    /** Stores a model before the service starts, as TrainingPipeline would, so the page has one to show. */
    @BeforeAll
    static void storeTinyModel() throws IOException {
        HeadlessChromium.assumeInstalled();
        Path lfw = SyntheticLfw.write(temp.resolve("lfw"), PEOPLE, 12, 7);
        TrainingConfig config = new TrainingConfig(
                PeopleSelection.top(PEOPLE),
                42,
                FaceCrop.of(128, 64),
                NetworkConfig.SEED,
                2,
                16,
                0.003f,
                0.05f,
                0,
                0.1f,
                0,
                TrainingConfig.Augmentation.NONE,
                TestRecipes.NO_OPEN_SET);
        try (TrainedModel trained = new FaceTrainer(config, new TrainingObserver() {}, () -> false).train(lfw)) {
            ModelManifest manifest = new ModelStore(temp.resolve("models"), 5)
                    .save(trained.model(), trained.manifest(Instant.now(), null), trained.metrics(), trained.split());
            firstVersion = manifest.version();
        }
    }

    @BeforeEach
    void startBrowser(@TempDir Path profile) {
        chromium = HeadlessChromium.start(profile);
        browser = chromium.browser();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void identifiesAPhotoShowsTheModelAndTrainsANewOne() throws IOException {
        browser.get("http://127.0.0.1:" + port + "/");

        // Model section: version, figures, and the confusion matrix as a labelled heat map.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("model-details")));
        assertThat(text("model-summary")).contains("Version " + firstVersion);
        assertThat(text("model-figures")).containsPattern("\"Unknown\" below confidence\\s*\\d\\.\\d{3}");
        assertThat(browser.findElements(By.cssSelector("#model-people li"))).hasSize(PEOPLE);
        assertThat(browser.findElements(By.cssSelector("#per-person tbody tr"))).hasSize(PEOPLE);
        List<WebElement> cells = browser.findElements(By.cssSelector("#confusion tbody td"));
        assertThat(cells).hasSize(PEOPLE * PEOPLE);
        assertThat(cells.get(0).getDomAttribute("aria-label"))
                .startsWith("True P01 Alice Synthetic, predicted " + "P01 Alice Synthetic: ");

        // Every link off the page (the footer's) leads somewhere that answers.
        List<String> links = browser.findElements(By.cssSelector("a[href]:not([href^='#'])")).stream()
                .map(link -> link.getDomProperty("href"))
                .toList();
        assertThat(links)
                .isNotEmpty()
                .allSatisfy(link -> assertThat(status(link)).as(link).isEqualTo(200));

        // A file that is not an image: the 400 problem becomes a readable message.
        Path notAnImage = Files.writeString(temp.resolve("notes.jpg"), "not a photo", StandardCharsets.UTF_8);
        upload(notAnImage);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("identify-status"), "not an image that can be read"));
        assertThat(browser.findElement(By.id("identify-status")).getDomAttribute("class"))
                .contains("error");
        assertThat(browser.findElement(By.id("identify-result")).isDisplayed()).isFalse();

        upload(photo());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("identify-result")));
        assertThat(text("answer-person")).isNotBlank();
        List<WebElement> candidates = browser.findElements(By.cssSelector("#candidates li"));
        assertThat(candidates).hasSizeGreaterThanOrEqualTo(PEOPLE);
        assertThat(candidates).allSatisfy(bar -> assertThat(bar.getText()).containsPattern("\\d+\\.\\d%"));
        assertThat(browser.findElement(By.id("face-crop")).getDomProperty("src"))
                .startsWith("data:image/png;base64,");
        assertThat(text("answer-meta")).contains("Model " + firstVersion).containsPattern("\\d+ ms");

        // Training: token kept for the tab, a two-epoch job followed to the end, then the new model is shown.
        browser.findElement(By.id("admin-token")).sendKeys(ADMIN_TOKEN);
        browser.findElement(By.id("epochs")).sendKeys("2");
        browser.findElement(By.id("batch-size")).sendKeys("16");
        browser.findElement(By.id("people")).sendKeys("3");
        // Two epochs may not pass the quality gate: serve the new model anyway, as an operator can choose.
        new Select(browser.findElement(By.id("promote"))).selectByValue("force");
        browser.findElement(By.id("train-start")).click();
        // Not ExpectedConditions.textToBePresent...: the state is upper-cased by CSS, and getText() says so.
        new WebDriverWait(browser, Duration.ofMinutes(3))
                .until(driver -> List.of("succeeded", "failed", "cancelled").contains(text("job-state")));
        assertThat(text("job-state")).as(text("job-stage")).isEqualTo("succeeded");
        assertThat(js("return sessionStorage.getItem('visage.adminToken')")).isEqualTo(ADMIN_TOKEN);
        assertThat(text("job-stage")).contains("is now in service");
        assertThat(browser.findElement(By.id("job-cancel")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("accuracy-chart")).getDomAttribute("aria-label"))
                .contains("at epoch 2");
        wait.until(driver -> !text("model-summary").contains(firstVersion));
        assertThat(browser.findElements(By.cssSelector("#confusion tbody td"))).hasSize(3 * 3);

        assertThat(severeBrowserErrors()).isEmpty();
        screenshot(1280, "target/web-page.png");
        screenshot(390, "target/web-page-phone.png");
        // Phone width: nothing wider than the screen (wide tables scroll inside their own box).
        assertThat((Long) js("return document.documentElement.scrollWidth - window.innerWidth"))
                .isLessThanOrEqualTo(0);
        ((ChromeDriver) browser)
                .executeCdpCommand(
                        "Emulation.setEmulatedMedia",
                        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        screenshot(1280, "target/web-page-dark.png");
    }

    private void upload(Path file) throws IOException {
        browser.findElement(By.id("photo")).sendKeys(file.toRealPath().toString());
    }

    /** A real LFW photo when the shared data set is there, else a synthetic one. */
    private static Path photo() throws IOException {
        if (Files.isRegularFile(REAL_PHOTO)) {
            return REAL_PHOTO;
        }
        Path synthetic = temp.resolve("face.jpg");
        SyntheticLfw.writeImage(synthetic, 0, new Random(1));
        return synthetic;
    }

    private static int status(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getDomProperty("textContent");
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** Script errors and the like; failed requests are expected (the rejected upload) and left out. */
    private List<String> severeBrowserErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> !message.contains("Failed to load resource"))
                .toList();
    }

    /** The whole page at the given width: the window is made as tall as the page first. */
    private void screenshot(int width, String file) throws IOException {
        browser.manage().window().setSize(new Dimension(width, 900));
        long height = (Long) js("return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new Dimension(width, (int) height + 200));
        js("window.scrollTo(0, 0)");
        Path target = Path.of(file);
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
