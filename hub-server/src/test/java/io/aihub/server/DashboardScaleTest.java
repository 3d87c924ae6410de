package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.server.HubClient.Account;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The agent's task list with 100,000 tasks in the database: the first page renders quickly, and so does
 * the last. Prints the measured times (the README quotes them).
 */
class DashboardScaleTest extends HubTestBase {
    private static final int TASKS = 100_000;

    @Test
    void anAgentWith100kTasks_rendersItsFirstAndLastPagesQuickly() throws Exception {
        Browser.requireOrSkip();
        Account builder = client.account("scale-builder");
        String did = client.agent(builder);
        String otherDid = client.agent(builder); // as many tasks again, of the same owner's other agent
        for (String agent : List.of(did, otherDid)) {
            bulk(agent, builder);
        }
        execute("analyze tasks");

        try (Browser browser = new Browser("http://127.0.0.1:" + hub.port(), 1280, 900)) {
            browser.signIn(builder.apiKey());
            long firstPage = timeToRows(browser, "#/agents/" + did, "bulk 1");
            long lastPage = timeToRows(browser, "#/agents/" + did + "?page=4000", "bulk 100000");
            long filtered = timeToRows(browser, "#/agents/" + did + "?status=Failed&page=2", "bulk 103");
            assertThat(browser.text(By.cssSelector(".pager span"))).isEqualTo("Page 2 of 1000 · 25000 task(s)");
            long submitted = timeToRows(browser, "#/tasks", "bulk 1");
            assertThat(browser.text(By.cssSelector(".pager span"))).endsWith("200000 task(s)");
            System.out.printf(
                    "DASHBOARD_SCALE tasks=%d first_page_ms=%d last_page_ms=%d filtered_page_ms=%d my_tasks_ms=%d%n",
                    2 * TASKS, firstPage, lastPage, filtered, submitted);
            assertThat(List.of(firstPage, lastPage, filtered, submitted)).allMatch(ms -> ms < 3_000);
        }
    }

    /** {@link #TASKS} tasks of the agent, one a second back in time, submitted by its owner. */
    private static void bulk(String did, Account owner) {
        execute("""
                insert into tasks (task_id, did, owner, user_address, task_status, name, input_query, created_at, updated_at)
                select 'task-' || gen_random_uuid(), ?, ?, ?,
                       (array['Pending', 'In_Progress', 'Completed', 'Failed'])[1 + i % 4],
                       'bulk ' || i, 'q', now() - make_interval(secs => i), now()
                from generate_series(1, ?) as i
                """, did, owner.address(), owner.address(), TASKS);
    }

    /** Milliseconds from asking for the route (a fresh load of the page) to the row of task {@code name}. */
    private static long timeToRows(Browser browser, String hash, String name) {
        browser.driver.get("about:blank");
        long started = System.nanoTime();
        browser.open(hash);
        browser.await(By.cssSelector("tr[data-task] a"), link -> link.getText().equals(name));
        return (System.nanoTime() - started) / 1_000_000;
    }
}
