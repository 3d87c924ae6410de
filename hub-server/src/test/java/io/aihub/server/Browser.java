package io.aihub.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through its chromedriver (Selenium), for the dashboard's tests: nothing
 * is downloaded. {@link #requireOrSkip()} checks both are installed ({@code .ci/run} installs them).
 */
final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final String origin;

    Browser(String origin, int width, int height) {
        this.origin = origin;
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--disable-gpu",
                        "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /**
     * Skips the test when Chromium is not installed, unless {@code AIHUB_REQUIRE_BROWSER} is set (as
     * {@code .ci/run} sets it): then a missing browser fails the build instead of passing it unseen.
     */
    static void requireOrSkip() {
        String message = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)";
        if (System.getenv("AIHUB_REQUIRE_BROWSER") != null) {
            org.assertj.core.api.Assertions.assertThat(available()).as(message).isTrue();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(available(), message);
    }

    /** Opens the dashboard at this hash route ({@code #/agents}). */
    void open(String hash) {
        driver.get(origin + "/" + hash);
    }

    /** Signs in with this credential and waits for the navigation that follows. */
    void signIn(String credential) {
        open("#/signin");
        WebElement input = await(By.id("credential"));
        input.sendKeys(credential);
        driver.findElement(By.id("signin")).click();
        await(By.id("signout"), element -> element.isDisplayed());
    }

    /** Signs out and waits for the sign-in form. */
    void signOut() {
        driver.findElement(By.id("signout")).click();
        await(By.id("credential"));
    }

    /** What the page keeps in its tab's sessionStorage, as {@code key=value} lines. */
    String sessionStorage() {
        return String.valueOf(driver.executeScript(
                "return Object.keys(sessionStorage).map(k => k + '=' + sessionStorage.getItem(k)).join('\\n')"));
    }

    WebElement await(By locator) {
        return await(locator, element -> true);
    }

    /** The first element found by {@code locator} that satisfies {@code check}, within 10 s. */
    WebElement await(By locator, java.util.function.Predicate<WebElement> check) {
        return until(ignored -> driver.findElements(locator).stream()
                .filter(element -> {
                    try {
                        return check.test(element);
                    } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
                        return false;
                    }
                })
                .findFirst()
                .orElse(null));
    }

    <T> T until(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(10))
                .pollingEvery(Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition);
    }

    String text(By locator) {
        return driver.findElement(locator).getText();
    }

    /** What the page logged to its console: CSP violations and script errors show here. */
    List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File taken = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(taken.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
