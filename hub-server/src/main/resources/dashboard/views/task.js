import { HubError, enc, get, post } from '../api.js';
import { duration, el, show, statusBadge, time } from '../dom.js';

const ENDED = ['Completed', 'Failed'];

/** A task: its state, its steps as a chain in order, and its logs; live until it ends. */
export async function taskView(main, app, did, taskId) {
  const path = `/api/v1/agents/${enc(did)}/tasks/${enc(taskId)}`;
  const header = el('div');
  const steps = el('ol', { class: 'chain', 'aria-label': 'Steps' });
  const logs = el('ol', { class: 'logs', 'aria-label': 'Logs' });
  const actions = el('div', { class: 'actions' });
  const mine = app.me.agents?.some((agent) => agent.did === did);

  async function refresh() {
    let view;
    try {
      view = await get(path);
    } catch (error) {
      if (error instanceof HubError && error.status === 404) {
        show(main, el('section', { class: 'panel' }, el('h1', { text: 'Task not found' }),
          el('p', { class: 'hint', text: `No task ${taskId} of agent ${did} that you may see.` })));
        return null;
      }
      throw error;
    }
    const { task } = view;
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
        el('dt', { text: ENDED.includes(task.task_status) ? 'Took' : 'Running for' }),
        el('dd', { text: duration(task.createdAt, ENDED.includes(task.task_status) ? task.updatedAt : null) }),
        el('dt', { text: 'Query' }), el('dd', {}, el('pre', { class: 'text', text: task.input_query ?? '' })),
        el('dt', { text: 'Output' }), el('dd', {}, el('pre', { class: 'text', id: 'task-output', text: task.output ?? '' }))));
    const names = new Map(view.steps.map((step) => [step.step_id, step.name || step.step_id]));
    show(steps, view.steps.map((step) => el('li', {
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
      el('dt', { text: 'Created' }), el('dd', {}, time(step.createdAt)),
      el('dt', { text: 'Updated' }), el('dd', {}, time(step.updatedAt)),
      el('dt', { text: 'Input' }), el('dd', {}, el('pre', { class: 'text', text: step.input_query ?? '' })),
      el('dt', { text: 'Output' }), el('dd', {}, el('pre', { class: 'text step-output', text: step.output ?? '' }))))));
    show(logs, view.logs.length === 0
      ? el('li', { class: 'hint', text: 'No logs yet.' })
      : view.logs.map((log) => el('li', { class: `log level-${String(log.level).toLowerCase()}`, 'data-log': log.tl_id },
        time(log.createdAt), ' ', el('span', { class: 'level', text: log.level }), ' ',
        el('span', { class: 'message', text: log.message }))));
    show(actions, ENDED.includes(task.task_status) ? null : el('button', {
      type: 'button', id: 'cancel', text: 'Cancel task',
      onclick: async () => { await post(`${path}/cancel`, {}); soon(); },
    }));
    return !ENDED.includes(task.task_status);
  }

  show(main, el('section', { class: 'panel' }, header, actions,
    el('h2', { text: 'Steps' }), steps, el('h2', { text: 'Logs' }), logs));
  if (await refresh() === null) return; // not found: nothing to follow

  app.live?.keep('_join-tasks', { tasks: [taskId], history: false });
  let pending = null; // one read per burst of events
  const soon = () => { pending ??= setTimeout(() => { pending = null; refresh().catch(() => {}); }, 100); };
  app.on((name, payload) => {
    if (name === '_live' || payload?.task_id === taskId) soon();
  });
  app.every(3000, () => { if (!ENDED.includes(document.querySelector('h1 .status')?.dataset.status)) soon(); });
}

/** A step handed out and not taken up for a minute. */
function waiting(step) {
  return step.step_status === 'Pending' && Date.now() - new Date(step.updatedAt) > 60_000;
}
