package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;

/**
 * The dashboard in a real browser (Debian's headless Chromium): what a builder and a user see, live, and
 * that a tenant's text stays text and another account's task stays hidden.
 */
class DashboardTest extends HubTestBase {
    private Browser browser;

    @BeforeEach
    void openBrowser() {
        Browser.requireOrSkip();
        browser = new Browser("http://127.0.0.1:" + hub.port(), 1280, 900);
    }

    /** Console lines a test expects (a 404 it caused, the errors of a connection it cut). */
    private final List<String> expectedInConsole = new java.util.ArrayList<>();

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            List<String> problems = browser.console().stream()
                    .map(LogEntry::getMessage)
                    .filter(message -> expectedInConsole.stream().noneMatch(message::contains))
                    .toList();
            browser.close();
            assertThat(problems)
                    .as("the page's console: no script error, no CSP violation")
                    .isEmpty();
        }
    }

    @Test
    void aBuilder_seesANewTaskAppear_andItsStepsAndLogsChangeLive_inOrder() throws Exception {
        Account builder = client.account("dash-builder");
        Account user = client.account("dash-user");
        String did = client.agent(builder);

        browser.signIn(builder.apiKey());
        browser.await(By.cssSelector("a.card")).click();
        browser.await(By.cssSelector("#live[data-state='live']"));
        browser.await(By.cssSelector("table.tasks tbody td.hint"));

        JsonNode created = client.task(user.apiKey(), did, "summarise the news");
        String taskId = created.at("/task/task_id").asText();
        String initId = created.at("/steps/0/step_id").asText();
        browser.await(By.cssSelector("tr[data-task='" + taskId + "']"))
                .findElement(By.tagName("a"))
                .click();
        browser.await(By.cssSelector("li.step[data-step='" + initId + "'][data-status='Pending']"));

        JsonNode added = client.post(
                        taskPath(did, taskId) + "/steps",
                        builder.apiKey(),
                        Map.of(
                                "steps",
                                List.of(
                                        Map.of("name", "fetch", "predecessor", initId),
                                        Map.of("name", "answer", "is_last", true))))
                .body();
        String fetchId = added.at("/steps/0/step_id").asText();
        String answerId = added.at("/steps/1/step_id").asText();
        update(builder, did, taskId, initId, Map.of("step_status", "Completed", "output", "planned", "cost", 1));
        browser.await(By.cssSelector("li.step[data-step='" + initId + "'][data-status='Completed']"));
        browser.await(By.cssSelector("li.step[data-step='" + fetchId + "'][data-status='Pending']"));

        try (RawSocket worker = RawSocket.open(hub.port())) {
            worker.connect("Bearer " + builder.apiKey());
            worker.await("_connected");
            for (String message : List.of("fetching <b>sources</b>", "found 3")) {
                worker.emit("_task-log", Map.of("task_id", taskId, "step_id", fetchId, "message", message));
            }
            browser.await(
                    By.cssSelector("li.log"),
                    log -> browser.driver.findElements(By.cssSelector("li.log")).size() == 2);
        }
        update(builder, did, taskId, fetchId, Map.of("step_status", "Completed", "output", "3 articles", "cost", 2));
        update(builder, did, taskId, answerId, Map.of("step_status", "In_Progress"));
        browser.await(By.cssSelector("li.step[data-step='" + answerId + "'][data-status='In_Progress']"));
        update(builder, did, taskId, answerId, Map.of("step_status", "Completed", "output", "the summary", "cost", 3));

        browser.await(By.cssSelector("h1 .status[data-status='Completed']"));
        assertThat(browser.text(By.id("task-cost"))).isEqualTo("6");
        assertThat(browser.text(By.id("task-output"))).isEqualTo("the summary");
        assertThat(browser.driver.findElements(By.cssSelector("li.step")))
                .extracting(step -> step.getAttribute("data-step"))
                .as("the chain in order, each step once")
                .containsExactly(initId, fetchId, answerId);
        assertThat(browser.driver.findElements(By.cssSelector("li.log .message")))
                .extracting(WebElement::getText)
                .containsExactly("fetching <b>sources</b>", "found 3");
        assertThat(browser.driver.findElements(By.cssSelector("li.log b"))).isEmpty();
        browser.screenshot("task-view");
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        browser.await(By.cssSelector("h1 .status[data-status='Completed']"));
        browser.screenshot("task-view-phone");
    }

    @Test
    void aUser_submitsATaskFromTheForm_andWatchesItComplete() throws Exception {
        Account builder = client.account("dash-form-builder");
        Account user = client.account("dash-form-user");
        String did = client.agent(builder);

        browser.signIn(user.apiKey());
        browser.await(By.id("submit-task"));
        browser.driver.findElement(By.id("new-did")).sendKeys(did);
        browser.driver.findElement(By.id("new-name")).sendKeys("from the form");
        browser.driver.findElement(By.id("new-query")).sendKeys("what is new?");
        browser.screenshot("submit-form");
        browser.driver.findElement(By.id("submit")).click();

        WebElement init = browser.await(By.cssSelector("li.step[data-status='Pending']"));
        String stepId = init.getAttribute("data-step");
        String taskId = browser.driver.getCurrentUrl().replaceAll(".*/tasks/", "");
        update(builder, did, taskId, stepId, Map.of("step_status", "Completed", "output", "done", "is_last", true));
        browser.await(By.cssSelector("h1 .status[data-status='Completed']"));
        assertThat(browser.text(By.id("task-output"))).isEqualTo("done");

        browser.open("#/tasks");
        browser.await(By.cssSelector("tr[data-task='" + taskId + "'] .status[data-status='Completed']"));
        browser.screenshot("my-tasks");
    }

    @Test
    void anAgentsOutput_thatLooksLikeHtml_staysText_andRunsNothing() throws Exception {
        Account builder = client.account("dash-xss-builder");
        String did = client.agent(builder);
        JsonNode created = client.task(builder.apiKey(), did, "<script>alert(2)</script>");
        String taskId = created.at("/task/task_id").asText();
        String stepId = created.at("/steps/0/step_id").asText();
        String payload = "<img src=x onerror=alert(1)>";
        update(builder, did, taskId, stepId, Map.of("step_status", "Completed", "output", payload, "is_last", true));

        browser.signIn(builder.apiKey());
        browser.open("#/agents/" + did + "/tasks/" + taskId);
        browser.await(By.cssSelector("h1 .status[data-status='Completed']"));
        assertThat(browser.text(By.id("task-output"))).isEqualTo(payload);
        assertThat(browser.driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("main script"))).isEmpty();
        assertThat(alertShown()).isFalse();
    }

    @Test
    void anotherAccountsTask_typedIntoTheUrl_isNotFound() throws Exception {
        Account owner = client.account("dash-owner");
        String did = client.agent(owner);
        String taskId =
                client.task(owner.apiKey(), did, "private").at("/task/task_id").asText();
        Account stranger = client.account("dash-stranger");

        expectedInConsole.add("the server responded with a status of 404"); // the read of the hidden task
        browser.signIn(stranger.apiKey());
        browser.open("#/agents/" + did + "/tasks/" + taskId);
        assertThat(browser.await(By.tagName("h1"), h1 -> h1.getText().equals("Task not found"))
                        .isDisplayed())
                .isTrue();
        assertThat(browser.driver.getPageSource()).doesNotContain("private");
        assertThat(browser.sessionStorage()).contains(stranger.apiKey());
        browser.signOut();
        assertThat(browser.sessionStorage())
                .as("signed out, the tab forgot the key")
                .isEmpty();
    }

    @Test
    void aStepWaitingLong_orHandedOutAgain_isHighlighted_inTheAgentsViewAndTheTasks() throws Exception {
        Account builder = client.account("dash-stuck-builder");
        String did = client.agent(builder);
        JsonNode waiting = client.task(builder.apiKey(), did, "nobody takes me");
        JsonNode rescued = client.task(builder.apiKey(), did, "handed out again");
        JsonNode fresh = client.task(builder.apiKey(), did, "just arrived");
        String waitingStep = waiting.at("/steps/0/step_id").asText();
        String rescuedStep = rescued.at("/steps/0/step_id").asText();
        String freshStep = fresh.at("/steps/0/step_id").asText();
        execute("update steps set updated_at = now() - interval '2 minutes' where step_id = ?", waitingStep);
        execute("update steps set retries = 1 where step_id = ?", rescuedStep);

        browser.signIn(builder.apiKey());
        browser.open("#/agents/" + did);
        assertThat(browser.await(By.cssSelector("li.waiting.stuck[data-step='" + waitingStep + "']"))
                        .getText())
                .contains("waiting 2 min", "no worker has taken it for a minute");
        browser.await(By.cssSelector("li.waiting.stuck[data-step='" + rescuedStep + "']"));
        assertThat(browser.await(By.cssSelector("li.waiting[data-step='" + freshStep + "']"))
                        .getAttribute("class"))
                .isEqualTo("waiting");
        browser.await(
                By.cssSelector("span.count[data-count='Pending']"),
                count -> count.getText().equals("3"));
        browser.screenshot("agent-tasks");

        browser.open("#/agents/" + did + "/tasks/" + rescued.at("/task/task_id").asText());
        assertThat(browser.await(By.cssSelector("li.step.rescued[data-step='" + rescuedStep + "']"))
                        .getText())
                .contains("handed out again 1×");
    }

    @Test
    void theAdmin_seesTheNodesFigures_andIssuesAndRevokesAKey() throws Exception {
        Account account = client.account("dash-admin-target");
        client.agent(account);

        browser.signIn(ADMIN_TOKEN);
        browser.await(By.cssSelector("dd[data-figure='requests']"), figure -> Long.parseLong(figure.getText()) > 0);
        browser.await(By.cssSelector("tr[data-account='" + account.address() + "'] button"))
                .click();
        browser.await(By.cssSelector("tr[data-key='" + account.keyId() + "']"));
        assertThat(browser.text(By.id("account-detail"))).contains("agent of " + account.address());
        browser.driver.findElement(By.id("issue-key")).click();
        String issued = browser.await(By.cssSelector("p.issued code.secret")).getText();
        TestSecrets.remember(issued);
        assertThat(client.get("/api/v1/agents", issued).status())
                .as("the issued key works")
                .isEqualTo(200);
        browser.screenshot("admin");

        browser.await(By.cssSelector("tr[data-key='" + account.keyId() + "'] button.revoke"))
                .click();
        browser.await(
                By.cssSelector("tr[data-key='" + account.keyId() + "']"),
                row -> row.findElements(By.cssSelector("button.revoke")).isEmpty());
        assertThat(client.get("/api/v1/agents", account.apiKey()).status()).isEqualTo(401);
    }

    @Test
    void aTaskCancelledFromItsView_endsFailed_sayingWhoCancelledIt() throws Exception {
        Account builder = client.account("dash-cancel-builder");
        Account user = client.account("dash-cancel-user");
        String did = client.agent(builder);
        String taskId =
                client.task(user.apiKey(), did, "cancel me").at("/task/task_id").asText();

        browser.signIn(user.apiKey());
        browser.open("#/agents/" + did + "/tasks/" + taskId);
        browser.await(By.id("cancel")).click();
        browser.await(By.cssSelector("h1 .status[data-status='Failed']"));
        assertThat(browser.text(By.id("task-output"))).contains("cancelled");
        assertThat(browser.driver.findElements(By.id("cancel"))).isEmpty();
    }

    @Test
    void aViewWhoseConnectionDrops_catchesUpOnEverythingMissed_whenItComesBack() throws Exception {
        browser.close();
        Account builder = client.account("dash-drop-builder");
        String did = client.agent(builder);
        JsonNode created = client.task(builder.apiKey(), did, "watched across a drop");
        String taskId = created.at("/task/task_id").asText();
        String initId = created.at("/steps/0/step_id").asText();
        try (TcpProxy network = new TcpProxy(hub.port())) {
            browser = new Browser("http://127.0.0.1:" + network.port(), 1280, 900);
            // a read in flight when the connection is cut fails as ERR_CONNECTION_* or ERR_SOCKET_NOT_CONNECTED,
            // or as ERR_EMPTY_RESPONSE when the cut falls after the request was sent and before its answer
            expectedInConsole.addAll(List.of(
                    "ERR_CONNECTION", "ERR_SOCKET_NOT_CONNECTED", "ERR_EMPTY_RESPONSE", "WebSocket connection to"));
            browser.signIn(builder.apiKey());
            browser.open("#/agents/" + did + "/tasks/" + taskId);
            browser.await(By.cssSelector("#live[data-state='live']"));
            browser.await(By.cssSelector("li.step[data-step='" + initId + "'][data-status='Pending']"));

            network.cut();
            browser.await(By.cssSelector("#live[data-state='reconnecting']"));
            RawSocket.logStored(hub.port(), builder.apiKey(), taskId, "said while the page was away");
            update(builder, did, taskId, initId, Map.of("step_status", "Completed", "output", "done", "is_last", true));
            assertThat(browser.driver.findElements(By.cssSelector("h1 .status[data-status='Completed']")))
                    .as("nothing reaches the page while it is cut off")
                    .isEmpty();

            network.restore();
            browser.await(By.cssSelector("#live[data-state='live']"));
            browser.await(By.cssSelector("h1 .status[data-status='Completed']"));
            assertThat(browser.driver.findElements(By.cssSelector("li.log .message")))
                    .extracting(WebElement::getText)
                    .containsExactly("said while the page was away");
        }
    }

    @Test
    void aKeyRevokedWhileItsPageIsOpen_signsThePageOut() throws Exception {
        Account builder = client.account("dash-revoked-builder");
        String did = client.agent(builder);
        String taskId = client.task(builder.apiKey(), did, "still running")
                .at("/task/task_id")
                .asText();
        expectedInConsole.add("status of 401"); // the read that learns of it

        browser.signIn(builder.apiKey());
        browser.open("#/agents/" + did + "/tasks/" + taskId);
        browser.await(By.cssSelector("#live[data-state='live']"));
        assertThat(client.delete("/api/v1/admin/keys/" + builder.keyId(), ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);

        browser.await(By.id("signin-error"), error -> error.getText().startsWith("Signed out:"));
        assertThat(browser.sessionStorage()).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("li.step"))).isEmpty();
    }

    private boolean alertShown() {
        try {
            browser.driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException none) {
            return false;
        }
    }

    private static String taskPath(String did, String taskId) {
        return "/api/v1/agents/" + did + "/tasks/" + taskId;
    }

    private static void update(Account builder, String did, String taskId, String stepId, Map<String, Object> body) {
        HubClient.Reply reply = client.put(taskPath(did, taskId) + "/step/" + stepId, builder.apiKey(), body);
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(201);
    }
}
