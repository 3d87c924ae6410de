package io.aihub.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/state-machine.md draws exactly what {@link Transitions} allows. */
class StateMachineDiagramTest {
    private static final Pattern EDGE = Pattern.compile("^\\s*(\\w+) --> (\\w+): (\\w+)", Pattern.MULTILINE);

    @Test
    void theStepDiagramsAgentEdges_areTheTransitionTable() throws IOException {
        assertThat(edges(section("## Steps"), "agent")).isEqualTo(pairs(Transitions.stepByAgent()));
    }

    @Test
    void theStepDiagramsHubEdges_areTheHubsOwnMovesInTheTable() throws IOException {
        assertThat(edges(section("## Steps"), "hub")).isEqualTo(pairs(Transitions.stepByHub()));
    }

    @Test
    void theTaskDiagram_isTheTransitionTable() throws IOException {
        assertThat(edges(section("## Tasks"), "hub")).isEqualTo(pairs(Transitions.task()));
    }

    private static String section(String heading) throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "state-machine.md"));
        int start = doc.indexOf(heading);
        int diagram = doc.indexOf("```mermaid", start);
        return doc.substring(diagram, doc.indexOf("```", diagram + 3));
    }

    /** (from, to) of the edges between two statuses whose label starts with {@code by}. */
    private static Set<String> edges(String diagram, String by) {
        Set<String> edges = new HashSet<>();
        Matcher edge = EDGE.matcher(diagram);
        while (edge.find()) {
            if (edge.group(3).equals(by)) {
                edges.add(edge.group(1) + " -> " + edge.group(2));
            }
        }
        return edges;
    }

    private static Set<String> pairs(Map<Status, Set<Status>> table) {
        Set<String> pairs = new HashSet<>();
        table.forEach((from, targets) -> targets.forEach(to -> pairs.add(from.wire() + " -> " + to.wire())));
        return pairs;
    }
}
