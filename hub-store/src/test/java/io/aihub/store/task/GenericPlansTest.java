package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The statements that take many rows at once find every row by index even in the plan PostgreSQL would
 * cache on empty, never-analysed tables (a fresh hub's first runs): such a plan is kept as the tables
 * grow, and a join that hashes the arrays and reads a whole table gets slower with every task.
 */
class GenericPlansTest extends WithFixtures {
    /** The statements, by name; each is sent with others in a pipeline, whose plans the server caches. */
    private static final Map<String, String> SET_STATEMENTS = Map.of(
            "TASK_INSERT_MANY", TaskSql.TASK_INSERT_MANY,
            "STEP_INSERT_FIRST_MANY", StepSql.STEP_INSERT_FIRST_MANY,
            "TASK_LOCK_MANY_WITH_STEP_STATUS", TaskSql.TASK_LOCK_MANY_WITH_STEP_STATUS,
            "STEP_UPDATE_MANY", StepSql.STEP_UPDATE_MANY,
            "TASK_COMPLETE_BY_LAST_STEPS", TaskSql.TASK_COMPLETE_BY_LAST_STEPS);

    private static final Pattern WHOLE_TABLE_READ = Pattern.compile("Seq Scan on (tasks|steps|agents)\\b");

    @Test
    void everySetStatement_findsItsRowsByIndex_inTheGenericPlanOfEmptyTables() {
        SET_STATEMENTS.forEach((name, sql) -> {
            List<String> plan = genericPlan(name.toLowerCase(), sql);

            assertThat(plan).as(name).isNotEmpty();
            assertThat(plan)
                    .as("%s reads a whole table:%n%s", name, String.join("\n", plan))
                    .noneMatch(line -> WHOLE_TABLE_READ.matcher(line).find());
        });
    }

    /** The plan of {@code sql} as the server caches it after a few runs: generic, for any parameters. */
    private static List<String> genericPlan(String name, String sql) {
        StringBuilder numbered = new StringBuilder();
        Matcher placeholder = Pattern.compile("\\?").matcher(sql);
        int count = 0;
        while (placeholder.find()) {
            placeholder.appendReplacement(numbered, "\\$" + ++count);
        }
        placeholder.appendTail(numbered);
        String nulls = String.join(", ", Collections.nCopies(count, "null"));
        return fx.database.transaction(tx -> {
            tx.update("set local plan_cache_mode = force_generic_plan");
            tx.update("prepare " + name + " as " + numbered);
            try {
                return tx.list("explain execute " + name + "(" + nulls + ")", row -> row.getString(1));
            } finally {
                tx.update("deallocate " + name);
            }
        });
    }
}
