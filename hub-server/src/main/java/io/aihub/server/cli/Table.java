package io.aihub.server.cli;

import java.util.ArrayList;
import java.util.List;

/** Rows of text in aligned columns, for people; {@code --json} is for programs. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    /** A row; its cells are made safe for a terminal first, so that the columns line up as printed. */
    Table row(String... cells) {
        String[] safe = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            safe[i] = TerminalText.safe(cells[i]);
        }
        rows.add(safe);
        return this;
    }

    void print(HubOptions hub) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            hub.print(line.toString().stripTrailing());
        }
        if (rows.size() == 1) {
            hub.print("(none)");
        }
    }
}
