package dev.visage.web.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.store.ModelStore;
import dev.visage.store.StoreTestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The page's model-versions section in headless Chromium: lists the store's versions with the admin token (one
 * trained on erased people marked so, and not offered for promotion), rolls back and promotes, and the model section
 * follows. Skipped where Chromium and chromedriver are not installed.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "visage.train-on-startup=false",
            "visage.lfw.download=false",
            "visage.admin.token=" + ModelVersionsPageTest.TOKEN
        })
class ModelVersionsPageTest {

    static final String TOKEN = "versions-page-token";

    @TempDir
    static Path temp;

    private static String older;
    private static String newer;
    private static String trainedOnErased;

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
    static void twoVersions() {
        HeadlessChromium.assumeInstalled();
        ModelStore store = new ModelStore(temp.resolve("models"), 5);
        older = StoreTestModels.storeCurrent(store).version();
        newer = StoreTestModels.storeCurrent(store).version();
        // A candidate trained on two enrolled people who are no longer enrolled (no folder of theirs in the store).
        trainedOnErased = StoreTestModels.storeCandidate(store).version();
        List<String> erased =
                List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        StoreTestModels.editManifest(store, trainedOnErased, node -> {
            erased.forEach(node.putArray("people")::add);
            erased.forEach(node.putArray("enrolledPeople")::add);
        });
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void listsRollsBackAndPromotesWithTheToken(@TempDir Path profile) {
        chromium = HeadlessChromium.start(profile);
        browser = chromium.browser();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get("http://127.0.0.1:" + port + "/");
        wait.until(driver -> text("model-summary").contains("Version " + newer));

        browser.findElement(By.id("versions-load")).click();
        wait.until(driver -> text("versions-status").contains("admin token"));
        browser.findElement(By.id("admin-token")).sendKeys(TOKEN);
        browser.findElement(By.id("versions-load")).click();
        wait.until(driver -> browser.findElement(By.id("versions-details")).isDisplayed());
        List<WebElement> rows = browser.findElements(By.cssSelector("#versions-table tbody tr"));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).getText())
                .contains(trainedOnErased, "trained on erased people", "Delete")
                .doesNotContain("Promote");
        assertThat(rows.get(1).getText()).contains(newer, "current, serving here");
        assertThat(rows.get(2).getText()).contains(older, "previous (roll-back target)", "Promote");

        // Phone width: nothing wider than the screen (the table scrolls inside its own box).
        browser.manage().window().setSize(new Dimension(390, 900));
        long height = (Long) js("return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new Dimension(390, (int) height + 200));
        assertThat((Long) js("return document.documentElement.scrollWidth - window.innerWidth"))
                .isLessThanOrEqualTo(0);
        browser.manage().window().setSize(new Dimension(1280, 900));

        browser.findElement(By.id("versions-rollback")).click();
        wait.until(driver -> text("versions-summary").startsWith("Current: " + older));
        wait.until(driver -> text("model-summary").contains("Version " + older));

        browser.findElements(By.cssSelector("#versions-table tbody tr")).stream()
                .filter(row -> row.getText().contains(newer))
                .findFirst()
                .orElseThrow()
                .findElement(By.xpath(".//button[text()='Promote']"))
                .click();
        wait.until(driver -> text("versions-status").contains("Model " + newer + " passed its self-test"));
        wait.until(driver -> text("model-summary").contains("Version " + newer));

        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                        .map(LogEntry::getMessage)
                        .filter(message -> !message.contains("Failed to load resource")))
                .isEmpty();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getDomProperty("textContent");
    }
}
