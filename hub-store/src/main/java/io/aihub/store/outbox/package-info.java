/**
 * The events outbox: how every node delivers each change the protocol announces, once, and each
 * task's events in the order they were committed.
 *
 * <h2>Appending</h2>
 *
 * A transaction that changes what clients may hear about ({@code step-updated}, {@code
 * task-updated}, {@code task-log}) collects its events in {@link io.aihub.store.outbox.Announcements}
 * and appends them to the {@code events} table as its last statement, together with a {@code NOTIFY}
 * on {@link io.aihub.store.outbox.EventLog#CHANNEL}. So an event exists if and only if its change
 * committed, and the notification is only a wake-up: the rows are the news.
 *
 * <h2>Reading in commit order</h2>
 *
 * Identity values are handed out before commit, so a reader that followed {@code event_id} alone
 * could pass a row whose transaction commits late, and never see it. Each row instead records its
 * transaction's id ({@code tx_id}, an {@code xid8}), and readers follow the cursor {@code (tx_id,
 * event_id)} ({@link io.aihub.store.outbox.EventCursor}): {@link
 * io.aihub.store.outbox.EventLog#after} returns only rows whose transaction is older than the
 * snapshot's {@code xmin}, the oldest transaction still running. Every transaction that could still
 * add a row before the cursor has ended, so the cursor never has to go back and nothing is skipped.
 * Rows of transactions still running wait ({@code Batch.waiting}) and are read moments later.
 *
 * <h2>Why each task's events keep their order: the task gates</h2>
 *
 * Following transaction ids gives commit order only if a transaction that waits for another one to
 * commit gets its id after that one. PostgreSQL assigns a transaction its id at its first write. A
 * batch of step updates that wrote task A and then waited for the row lock of task B, held by another
 * transaction T, would hold an older id than T, and its events of B, committed after T's, would be
 * delivered before them. (A task's logs, which took no row lock, had the same race with its step
 * updates.)
 *
 * <p>So every transaction that writes about existing tasks first enters their gates ({@link
 * io.aihub.store.outbox.TaskGates}): one transaction-scoped advisory lock per task, taken in a single
 * statement in key order, so two transactions never deadlock on them. An advisory lock assigns no
 * transaction id. Holding every gate, the transaction then waits for no other writer of its tasks while
 * it writes, and whoever waited at a gate gets its id after the holder committed. Step creations, step
 * updates and task logs enter the gates; task creations need none (nobody else can write a task before
 * its creation commits). {@code EventOrderTest} writes six tasks' step chains in batches while logs are
 * written to the same tasks, and checks each task's delivery order; with the gates taken out it fails.
 *
 * <h2>What it costs, and its one caveat</h2>
 *
 * One statement per transaction appends its events, one {@code LISTEN} connection per node reads them,
 * and a missed notification only costs latency (each node also reads every second). The caveat: the
 * snapshot's {@code xmin} is cluster-wide, so a long transaction anywhere in the PostgreSQL cluster
 * holds back delivery on every node until it ends (the README's "Several nodes" says so too).
 */
package io.aihub.store.outbox;
