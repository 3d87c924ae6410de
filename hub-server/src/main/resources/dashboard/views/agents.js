import { enc, get, post } from '../api.js';
import { STATUSES, duration, el, show, statusBadge, time } from '../dom.js';

const PAGE_SIZE = 25;
const ENDED = ['Completed', 'Failed'];
/** What changes the list: a new step for a worker (and so a new task), and any change of a task shown. */
const CHANGES = ['step-updated', 'step-changed', 'task-updated'];

/** The builder's agents. */
export async function agentList(main, app) {
  const alive = app.alive();
  const { agents } = await get('/api/v1/account/agents');
  if (!alive()) return;
  app.me.agents = agents;
  show(main, el('section', { class: 'panel' },
    el('h1', { text: 'My agents' }),
    agents.length === 0
      ? el('p', { class: 'hint', text: 'No agents yet: register one with POST /api/v1/agents.' })
      : el('ul', { class: 'cards' }, agents.map((agent) => el('li', {},
        el('a', { href: `#/agents/${enc(agent.did)}`, class: 'card' },
          el('strong', { text: agent.name }),
          el('code', { class: 'id', text: agent.did }),
          el('span', { class: 'hint', text: agent.description || '' })))))));
}

/**
 * One agent's tasks: counts per status, the steps waiting for a worker (the longest waiting first), a
 * status filter, a search by exact name or task id, pages; live.
 */
export async function agentTasks(main, app, did, params) {
  const alive = app.alive();
  const status = STATUSES.includes(params.get('status')) ? params.get('status') : null;
  const query = (params.get('q') ?? '').trim();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const agent = await get(`/api/v1/agents/${enc(did)}`);
  if (!alive()) return;

  const counts = el('ul', { class: 'counts', 'aria-label': 'Tasks per status' });
  const waitingList = el('ul', { class: 'waiting-steps', 'aria-label': 'Steps waiting for a worker' });
  const waitingTotal = el('p', { class: 'hint' });
  const rows = el('tbody');
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' });
  const here = (changes) => {
    const next = new URLSearchParams({ status: status ?? '', q: query, page: String(page), ...changes });
    for (const [key, value] of [...next]) if (!value) next.delete(key);
    return `#/agents/${enc(did)}${next.size ? `?${next}` : ''}`;
  };
  const search = el('input', { type: 'search', name: 'q', id: 'task-search', value: query,
    placeholder: 'task name or task id (exact)', 'aria-label': 'Search tasks by exact name or id' });

  async function refresh() {
    const filter = { did, task_status: status ?? undefined, page, offset: PAGE_SIZE };
    if (query.startsWith('task-')) filter.task_id = query;
    else if (query) filter.name = query;
    const [waiting, listed, perStatus] = await Promise.all([
      get(`/api/v1/agents/steps?status=Pending&dids=${enc(did)}`),
      post('/api/v1/agents/search/tasks', filter),
      get(`/api/v1/agents/${enc(did)}/task-counts`),
    ]);
    if (!alive()) return;
    const oldestFirst = [...waiting.steps].sort((a, b) => new Date(a.updatedAt) - new Date(b.updatedAt));
    show(waitingList, oldestFirst.length === 0
      ? el('li', { class: 'hint', text: 'No step is waiting for a worker.' })
      : oldestFirst.slice(0, 20).map((step) => el('li', {
        class: `waiting${stuck(step) ? ' stuck' : ''}`, 'data-step': step.step_id,
      },
      el('a', { href: `#/agents/${enc(did)}/tasks/${enc(step.task_id)}`, text: step.name || step.step_id }), ' ',
      statusBadge(step.step_status), ' ',
      el('span', { class: 'hint', text: `waiting ${duration(step.updatedAt)}` }),
      step.retries > 0 ? el('span', { class: 'flag', text: ` handed out again ${step.retries}×` }) : null,
      stuck(step) && step.retries === 0 ? el('span', { class: 'flag', text: ' no worker has taken it for a minute' }) : null)));
    waitingTotal.textContent = waiting.totalResults > 20 ? `The 20 waiting longest of ${waiting.totalResults}.` : '';
    show(counts, STATUSES.map((s) => el('li', {},
      el('a', { href: here({ status: s === status ? '' : s, page: '1' }), 'aria-pressed': String(s === status) },
        statusBadge(s), ' ', el('span', { class: 'count', 'data-count': s, text: perStatus.counts[s] ?? 0 })))));
    show(rows, listed.tasks.length === 0
      ? el('tr', {}, el('td', { colspan: 5, class: 'hint', text: 'No tasks.' }))
      : listed.tasks.map((task) => el('tr', { 'data-task': task.task_id },
        el('td', {}, el('a', { href: `#/agents/${enc(did)}/tasks/${enc(task.task_id)}`, text: task.name || task.task_id })),
        el('td', {}, statusBadge(task.task_status)),
        el('td', { class: 'num', text: task.cost }),
        el('td', {}, time(task.createdAt)),
        el('td', {}, el('code', { class: 'id', text: task.task_id })))));
    // The tasks shown that have not ended: their ends come as task-updated to their rooms.
    const open = listed.tasks.filter((task) => !ENDED.includes(task.task_status));
    if (open.length) app.live?.send('_join-tasks', { tasks: open.map((task) => task.task_id), history: false });
    const pages = Math.max(1, Math.ceil(listed.totalResults / PAGE_SIZE));
    show(pager,
      page > 1 ? el('a', { href: here({ page: String(page - 1) }), rel: 'prev', text: '← Newer' }) : null,
      el('span', { text: `Page ${page} of ${pages} · ${listed.totalResults} task(s)` }),
      page < pages ? el('a', { href: here({ page: String(page + 1) }), rel: 'next', text: 'Older →' }) : null);
  }

  show(main, el('section', { class: 'panel' },
    el('p', { class: 'crumbs' }, el('a', { href: '#/agents', text: 'My agents' }), ' / ', agent.name),
    el('h1', { text: agent.name }),
    el('code', { class: 'id', text: agent.did }),
    counts,
    el('h2', { text: 'Waiting for a worker' }),
    waitingList,
    waitingTotal,
    el('h2', { text: 'Tasks' }),
    el('form', { class: 'search', role: 'search', onsubmit: (event) => {
      event.preventDefault();
      app.go(here({ q: search.value.trim(), page: '1' }));
    } }, search, el('button', { type: 'submit', text: 'Search' }),
    query || status ? el('a', { href: `#/agents/${enc(did)}`, text: 'Clear' }) : null),
    el('table', { class: 'tasks' },
      el('thead', {}, el('tr', {}, ['Task', 'Status', 'Cost', 'Created', 'Id'].map((h) => el('th', { scope: 'col', text: h })))),
      rows),
    pager));
  await refresh();

  const soon = app.refresher(refresh, 150);
  app.on((name, payload) => {
    if (name === '_connected' || (CHANGES.includes(name) && payload?.did === did)) soon();
  });
}

/** A step waiting for a worker for over a minute, or handed out again after a lease ran out. */
function stuck(step) {
  return step.retries > 0 || Date.now() - new Date(step.updatedAt) > 60_000;
}
