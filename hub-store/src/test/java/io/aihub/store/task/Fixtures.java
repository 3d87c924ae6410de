package io.aihub.store.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.NewTask;
import io.aihub.protocol.StepUpdate;
import io.aihub.store.account.AccountStore;
import io.aihub.store.agent.Agent;
import io.aihub.store.agent.AgentStore;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.TestDatabase;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A small factory of accounts, agents and tasks with defaults, over one test schema. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

    public final Database database;
    public final InstantSource clock = InstantSource.fixed(T0);
    public final AccountStore accounts;
    public final AgentStore agents;
    public final LifecycleWrites writes;
    public final TaskStore tasks;
    public final StepStore steps;

    /** A step update with these fields only, by their wire names, as an agent would send it. */
    public static StepUpdate stepUpdate(Map<String, Object> fields) {
        return new ObjectMapper().convertValue(fields, StepUpdate.class);
    }

    /** Fixtures over a fresh schema of the test database. */
    public static Fixtures onFreshDatabase() {
        return new Fixtures(TestDatabase.openFresh());
    }

    public Fixtures(Database database) {
        this.database = database;
        this.accounts = new AccountStore(database, clock);
        this.agents = new AgentStore(database, clock);
        this.writes = new LifecycleWrites(database, clock);
        this.tasks = new TaskStore(database, clock, TaskLimits.DEFAULTS, writes);
        this.steps = new StepStore(database, clock, TaskLimits.DEFAULTS, writes);
    }

    /** Stops the stores' reader and writer threads and closes the database. */
    public void close() {
        tasks.close();
        writes.close();
        database.close();
    }

    public String account() {
        return accounts.create("account").account().address();
    }

    public Agent agent(String owner) {
        return agents.register(owner, "agent", "");
    }

    public CreatedTask task(Agent agent, String user, String query) {
        return tasks.create(agent.did(), user, new NewTask(query, null, null, null, null));
    }

    /**
     * The events appended for a task, oldest first: {@code step-updated:<step name>:<status>} and
     * {@code task-updated:<status>}.
     */
    public List<String> events(String taskId) {
        return database.read(tx -> tx.list("""
                select case event_name
                         when 'step-updated' then event_name || ':' || (payload->>'name') || ':' || (payload->>'step_status')
                         when 'step-changed' then event_name || ':' || (payload->>'name') || ':' || (payload->>'step_status')
                         else event_name || ':' || (payload->>'task_status') end
                from events where task_id = ? order by event_id
                """, row -> row.getString(1), taskId));
    }

    /** Runs the calls at the same moment, each on its own thread; each answer is its result or the ApiError it threw. */
    public static List<Object> atOnce(List<Callable<Object>> calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(calls.size())) {
            for (Callable<Object> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return call.call();
                    } catch (ApiError refusal) {
                        return refusal;
                    }
                }));
            }
            start.countDown();
            List<Object> answers = new ArrayList<>();
            for (Future<Object> future : futures) {
                answers.add(future.get());
            }
            return answers;
        }
    }
}
