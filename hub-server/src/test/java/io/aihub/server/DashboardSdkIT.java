package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.store.jdbc.TestDatabase;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A builder watches the dashboard while the real TypeScript SDK works: a task a user submits with
 * {@code createTask} appears in the agent's list live, and each action of the builder's worker ({@code
 * createSteps}, {@code updateStep}, {@code logTask}, driven one at a time by {@code
 * sdk-tests/dashboard-driver.mjs}) shows in the open task's view, in order, before the next one is made.
 */
class DashboardSdkIT {
    private static final String ADMIN_TOKEN = "dashboard-sdk-it-admin-token-0123456789";

    @Test
    void everyActionOfTheSdkWorker_showsLiveInTheTaskView_inOrder() throws Exception {
        Browser.requireOrSkip();
        SdkTests.install();
        try (HubProcess hub = HubProcess.start("dash-sdk", TestDatabase.freshSchemaUrl(), ADMIN_TOKEN);
                Browser browser = new Browser(hub.url(), 1280, 900)) {
            HubClient client = new HubClient(hub.url(), ADMIN_TOKEN);
            Account builder = client.account("dash-sdk-builder");
            Account user = client.account("dash-sdk-user");
            String did = client.agent(builder);
            browser.signIn(builder.apiKey());
            browser.open("#/agents/" + did);
            browser.await(By.cssSelector("table.tasks tbody td.hint"));
            browser.await(By.cssSelector("#live[data-state='live']"));

            Process driver = startDriver(hub, builder, user, did);
            try (BufferedReader reports = driver.inputReader(StandardCharsets.UTF_8);
                    PrintWriter next = new PrintWriter(driver.outputWriter(StandardCharsets.UTF_8), true)) {
                JsonNode created = report(reports, "created");
                String taskId = created.get("task_id").asText();
                String initId = created.get("init").asText();
                browser.await(By.cssSelector("tr[data-task='" + taskId + "'] .status[data-status='Pending']"))
                        .isDisplayed();
                browser.await(By.cssSelector("tr[data-task='" + taskId + "'] a"))
                        .click();
                browser.await(step(initId, "Pending"));

                next.println("next");
                JsonNode steps = report(reports, "steps");
                String fetchId = steps.get("fetch").asText();
                String answerId = steps.get("answer").asText();
                browser.await(step(fetchId, "Not_Ready"));
                browser.await(step(answerId, "Not_Ready"));

                next.println("next");
                report(reports, "init-completed");
                browser.await(step(initId, "Completed"));
                browser.await(step(fetchId, "Pending"));

                next.println("next");
                report(reports, "logged");
                browser.await(
                        By.cssSelector("li.log .message"), log -> log.getText().equals("fetching sources"));

                next.println("next");
                report(reports, "fetch-completed");
                browser.await(step(fetchId, "Completed"));
                browser.await(step(answerId, "Pending"));

                next.println("next");
                report(reports, "done");
                browser.await(By.cssSelector("h1 .status[data-status='Completed']"));
                assertThat(browser.text(By.id("task-cost"))).isEqualTo("6");
                assertThat(browser.text(By.id("task-output"))).isEqualTo("the summary");
                assertThat(browser.driver.findElements(By.cssSelector("li.step")))
                        .extracting(element -> element.getAttribute("data-step"))
                        .containsExactly(initId, fetchId, answerId);
                // logTask only emits on the worker's socket, so its line may land after the completion
                browser.await(
                        By.cssSelector("li.log"),
                        log -> browser.driver
                                        .findElements(By.cssSelector("li.log"))
                                        .size()
                                == 2);
                assertThat(browser.driver.findElements(By.cssSelector("li.log .level")))
                        .extracting(WebElement::getText)
                        .containsExactly("INFO", "WARNING");
                assertThat(driver.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(driver.exitValue()).isZero();
            } finally {
                driver.destroy();
            }
        }
    }

    private static By step(String stepId, String status) {
        return By.cssSelector("li.step[data-step='" + stepId + "'][data-status='" + status + "']");
    }

    private static Process startDriver(HubProcess hub, Account builder, Account user, String did) throws Exception {
        ProcessBuilder builderProcess = new ProcessBuilder("node", "dashboard-driver.mjs")
                .directory(SdkTests.DIRECTORY.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builderProcess
                .environment()
                .putAll(Map.of(
                        "HUB_URL",
                        "http://127.0.0.1:" + hub.port(),
                        "HUB_ADMIN_TOKEN",
                        ADMIN_TOKEN,
                        "BUILDER_KEY",
                        builder.apiKey(),
                        "USER_KEY",
                        user.apiKey(),
                        "AGENT_DID",
                        did));
        return builderProcess.start();
    }

    /** The driver's next report, which must be the action {@code at}. */
    private static JsonNode report(BufferedReader reports, String at) throws Exception {
        String line = reports.readLine();
        assertThat(line)
                .as("the driver's report of " + at + " (its errors are above)")
                .isNotNull();
        JsonNode report = RawSocket.tree(line);
        assertThat(report.get("at").asText()).isEqualTo(at);
        return report;
    }
}
