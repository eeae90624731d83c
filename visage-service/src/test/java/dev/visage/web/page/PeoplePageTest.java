package dev.visage.web.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.identify.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The page's People tab in headless Chromium: add a person with the admin token, drop in two photos (one with a
 * face, whose crop is shown; one without, whose refusal is said), delete the photo and the person, and the store
 * keeps none of their files. Skipped where Chromium, chromedriver or LFW (for a real face) is missing.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "visage.train-on-startup=false",
            "visage.lfw.download=false",
            "visage.admin.token=" + PeoplePageTest.TOKEN
        })
class PeoplePageTest {

    static final String TOKEN = "people-page-token";
    private static final Path LFW =
            Path.of(System.getenv().getOrDefault("VISAGE_LFW_DIR", "../shared/lfw/lfw-deepfunneled"));

    @TempDir
    static Path temp;

    @LocalServerPort
    private int port;

    private HeadlessChromium chromium;
    private WebDriver browser;

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) {
        registry.add("visage.models.dir", () -> temp.resolve("models").toString());
        registry.add("visage.lfw.dir", () -> temp.resolve("lfw").toString());
    }

    @BeforeAll
    static void needsChromiumAndAFace() {
        HeadlessChromium.assumeInstalled();
        Assumptions.assumeTrue(Files.isDirectory(LFW), () -> "No LFW folder at " + LFW.toAbsolutePath());
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void enrolsAPersonShowsTheCropAndErasesThem(@TempDir Path profile) throws Exception {
        Path face =
                LFW.resolve("Aaron_Eckhart").resolve("Aaron_Eckhart_0001.jpg").toRealPath();
        Path noFace = temp.resolve("grey.jpg");
        Files.write(
                noFace, TestImages.encode(TestImages.solid(300, 300, BufferedImage.TYPE_3BYTE_BGR, 0x808080), "jpeg"));
        Path people = temp.resolve("models").resolve("people");

        chromium = HeadlessChromium.start(profile);
        browser = chromium.browser();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get("http://127.0.0.1:" + port + "/#people");

        browser.findElement(By.id("person-name")).sendKeys("Ada Lovelace");
        browser.findElement(By.id("person-add")).click();
        wait.until(driver -> text("people-status").contains("admin token"));
        browser.findElement(By.id("admin-token")).sendKeys(TOKEN);
        browser.findElement(By.id("person-add")).click();
        wait.until(driver -> text("people-list").contains("Ada Lovelace"));
        assertThat(text("people-list")).contains("0 photos");

        browser.findElement(By.cssSelector("#people-list input[type=file]")).sendKeys(face + "\n" + noFace);
        wait.until(driver -> text("people-status").contains("Not enrolled"));
        assertThat(text("people-status")).contains("grey.jpg", "No face");
        assertThat(browser.findElements(By.cssSelector("#people-list .crops img")))
                .hasSize(1);
        assertThat(text("people-list")).contains("1 photo");
        assertThat(files(people)).filteredOn(name -> name.endsWith(".png")).hasSize(1);

        // Shown again from the service: the crop is fetched with the token.
        browser.findElement(By.id("people-load")).click();
        wait.until(driver ->
                browser.findElements(By.cssSelector("#people-list .crops img")).size() == 1);

        browser.findElement(By.cssSelector("#people-list .crops button")).click();
        wait.until(driver ->
                browser.findElements(By.cssSelector("#people-list .crops img")).isEmpty());
        assertThat(files(people)).noneMatch(name -> name.endsWith(".png"));

        ((JavascriptExecutor) browser).executeScript("window.confirm = () => true;");
        browser.findElement(By.xpath("//button[text()='Delete person']")).click();
        wait.until(driver -> text("people-status").contains("was deleted"));
        assertThat(files(people)).containsExactly("revision");
        assertThat(browser.findElements(By.cssSelector("#people-list li.person")))
                .isEmpty();

        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                        .map(LogEntry::getMessage)
                        .filter(message -> !message.contains("Failed to load resource")))
                .isEmpty();
    }

    private static java.util.List<String> files(Path folder) throws Exception {
        try (Stream<Path> tree = Files.walk(folder)) {
            return tree.filter(Files::isRegularFile)
                    .map(file -> file.getFileName().toString())
                    .toList();
        }
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getDomProperty("textContent");
    }
}
