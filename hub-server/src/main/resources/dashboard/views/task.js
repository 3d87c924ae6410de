import { HubError, enc, get, post } from '../api.js';
import { duration, el, show, statusBadge, time } from '../dom.js';

const ENDED = ['Completed', 'Failed'];
/** Log levels with a look of their own; any other level is shown as written, plainly. */
const LEVELS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'err']);

/**
 * A task: its state, its steps as a chain in order, and its logs; live. It joins the task's room first
 * and reads after, so that nothing said between the two is missed; each event of the task (step-changed,
 * task-updated, task-log) and each reconnect draws it again, when it changed.
 */
export async function taskView(main, app, did, taskId) {
  const alive = app.alive();
  const path = `/api/v1/agents/${enc(did)}/tasks/${enc(taskId)}`;
  const header = el('div');
  const steps = el('ol', { class: 'chain', 'aria-label': 'Steps' });
  const logs = el('ol', { class: 'logs', 'aria-label': 'Logs' });
  const actions = el('div', { class: 'actions' });
  const problem = el('p', { class: 'error', role: 'alert' });
  const mine = app.me.agents?.some((agent) => agent.did === did);
  let shown = null;

  async function refresh() {
    let view;
    try {
      view = await get(path);
    } catch (error) {
      if (error instanceof HubError && error.status === 404 && alive()) {
        show(main, el('section', { class: 'panel' }, el('h1', { text: 'Task not found' }),
          el('p', { class: 'hint', text: `No task ${taskId} of agent ${did} that you may see.` })));
        return false;
      }
      throw error;
    }
    if (!alive()) return false;
    const text = JSON.stringify(view);
    if (text === shown) return true; // unchanged: keep the page as it is (focus, selection)
    shown = text;
    draw(view);
    return true;
  }

  function draw({ task, steps: chain, logs: lines }) {
    const ended = ENDED.includes(task.task_status);
    show(header,
      el('p', { class: 'crumbs' },
        mine ? [el('a', { href: `#/agents/${enc(did)}`, text: 'Agent' }), ' / '] : [el('a', { href: '#/tasks', text: 'My tasks' }), ' / '],
        task.task_id),
      el('h1', {}, task.name || 'Task', ' ', statusBadge(task.task_status)),
      el('dl', { class: 'facts' },
        el('dt', { text: 'Task' }), el('dd', {}, el('code', { class: 'id', text: task.task_id })),
        el('dt', { text: 'Agent' }), el('dd', {}, el('code', { class: 'id', text: task.did })),
        el('dt', { text: 'Cost' }), el('dd', { id: 'task-cost', text: task.cost }),
        el('dt', { text: 'Created' }), el('dd', {}, time(task.createdAt)),
        el('dt', { text: 'Updated' }), el('dd', {}, time(task.updatedAt)),
        el('dt', { text: ended ? 'Took' : 'Running for' }),
        el('dd', { text: duration(task.createdAt, ended ? task.updatedAt : null) }),
        el('dt', { text: 'Query' }), el('dd', {}, el('pre', { class: 'text', text: task.input_query ?? '' })),
        el('dt', { text: 'Output' }), el('dd', {}, el('pre', { class: 'text', id: 'task-output', text: task.output ?? '' }))));
    const names = new Map(chain.map((step) => [step.step_id, step.name || step.step_id]));
    show(steps, chain.map((step) => el('li', {
      class: `step${step.retries > 0 ? ' rescued' : ''}${waiting(step) ? ' stuck' : ''}`,
      'data-step': step.step_id, 'data-status': step.step_status,
    },
    el('div', { class: 'step-head' },
      el('span', { class: 'order', text: `#${step.order}` }), ' ',
      el('strong', { text: step.name || step.step_id }), ' ', statusBadge(step.step_status),
      step.retries > 0 ? el('span', { class: 'flag', text: `handed out again ${step.retries}×` }) : null,
      waiting(step) ? el('span', { class: 'flag', text: 'waiting for a worker' }) : null),
    el('dl', { class: 'facts small' },
      el('dt', { text: 'After' }), el('dd', { text: step.predecessor ? names.get(step.predecessor) ?? step.predecessor : '–' }),
      el('dt', { text: 'Cost' }), el('dd', { text: step.cost }),
      el('dt', { text: 'Retries' }), el('dd', { text: step.retries }),
      el('dt', { text: 'Created' }), el('dd', {}, time(step.createdAt)),
      el('dt', { text: 'Updated' }), el('dd', {}, time(step.updatedAt)),
      el('dt', { text: 'Input' }), el('dd', {}, el('pre', { class: 'text', text: step.input_query ?? '' })),
      el('dt', { text: 'Output' }), el('dd', {}, el('pre', { class: 'text step-output', text: step.output ?? '' }))))));
    show(logs, lines.length === 0
      ? el('li', { class: 'hint', text: 'No logs yet.' })
      : lines.map((log) => {
        const level = String(log.level).toLowerCase();
        return el('li', { class: 'log', 'data-level': LEVELS.has(level) ? level : 'other', 'data-log': log.tl_id },
          time(log.createdAt), ' ', el('span', { class: 'level', text: log.level }), ' ',
          el('span', { class: 'message', text: log.message }));
      }));
    show(actions, ended ? null : el('button', {
      type: 'button', id: 'cancel', text: 'Cancel task',
      onclick: async (event) => {
        event.target.disabled = true;
        problem.textContent = '';
        try {
          await post(`${path}/cancel`, {});
        } catch (error) {
          problem.textContent = `Not cancelled: ${error.message}`;
        }
        soon();
      },
    }));
  }

  app.keep('_join-tasks', { tasks: [taskId], history: false });
  show(main, el('section', { class: 'panel' }, header, actions, problem,
    el('h2', { text: 'Steps' }), steps, el('h2', { text: 'Logs' }), logs));
  if (await refresh() === false) return; // not found (or left): nothing to follow

  const soon = app.refresher(refresh);
  app.on((name, payload) => {
    if (name === '_connected' || (name === '_join-tasks_' && payload?.tasks?.includes(taskId))
      || payload?.task_id === taskId) soon();
  });
}

/** A step handed out and not taken up for a minute. */
function waiting(step) {
  return step.step_status === 'Pending' && Date.now() - new Date(step.updatedAt) > 60_000;
}
