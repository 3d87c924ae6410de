import { enc, get, post } from '../api.js';
import { el, show, statusBadge, time } from '../dom.js';

const PAGE_SIZE = 25;

/** The tasks the signed-in account submitted, and a form to submit one to an agent. */
export async function myTasks(main, app, params) {
  const alive = app.alive();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const rows = el('tbody');
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' });
  const error = el('p', { class: 'error', role: 'alert' });
  const did = el('input', { id: 'new-did', name: 'did', required: true, spellcheck: 'false', placeholder: 'did:nv:…' });
  const name = el('input', { id: 'new-name', name: 'name', maxlength: 200 });
  const query = el('textarea', { id: 'new-query', name: 'query', required: true, rows: 3 });
  const submit = el('button', { type: 'submit', id: 'submit', text: 'Submit' });
  const attempt = crypto.randomUUID(); // this form's Idempotency-Key

  async function refresh() {
    const listed = await get(`/api/v1/account/tasks?page=${page}&offset=${PAGE_SIZE}`);
    if (!alive()) return;
    show(rows, listed.tasks.length === 0
      ? el('tr', {}, el('td', { colspan: 4, class: 'hint', text: 'No tasks yet.' }))
      : listed.tasks.map((task) => el('tr', { 'data-task': task.task_id },
        el('td', {}, el('a', { href: `#/agents/${enc(task.did)}/tasks/${enc(task.task_id)}`, text: task.name || task.task_id })),
        el('td', {}, statusBadge(task.task_status)),
        el('td', { class: 'num', text: task.cost }),
        el('td', {}, time(task.createdAt)))));
    const pages = Math.max(1, Math.ceil(listed.totalResults / PAGE_SIZE));
    show(pager,
      page > 1 ? el('a', { href: `#/tasks?page=${page - 1}`, rel: 'prev', text: '← Newer' }) : null,
      el('span', { text: `Page ${page} of ${pages} · ${listed.totalResults} task(s)` }),
      page < pages ? el('a', { href: `#/tasks?page=${page + 1}`, rel: 'next', text: 'Older →' }) : null);
    const open = listed.tasks.filter((task) => !['Completed', 'Failed'].includes(task.task_status));
    if (open.length) app.live?.send('_join-tasks', { tasks: open.map((task) => task.task_id), history: false });
  }

  show(main,
    el('section', { class: 'panel' },
      el('h1', { text: 'Submit a task' }),
      el('form', { class: 'submit', id: 'submit-task', onsubmit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        submit.disabled = true; // one task per click; the key makes a retry of the same click safe too
        try {
          const body = { query: query.value };
          if (name.value.trim()) body.name = name.value.trim();
          const created = await post(`/api/v1/agents/${enc(did.value.trim())}/tasks`, body,
            { 'Idempotency-Key': attempt });
          app.go(`#/agents/${enc(created.task.did)}/tasks/${enc(created.task.task_id)}`);
        } catch (failure) {
          error.textContent = failure.message;
          submit.disabled = false;
        }
      } },
      el('label', { for: 'new-did', text: 'Agent DID' }), did,
      el('label', { for: 'new-name', text: 'Name (optional)' }), name,
      el('label', { for: 'new-query', text: 'Query' }), query,
      submit, error)),
    el('section', { class: 'panel' },
      el('h1', { text: 'My tasks' }),
      el('table', { class: 'tasks' },
        el('thead', {}, el('tr', {}, ['Task', 'Status', 'Cost', 'Created'].map((h) => el('th', { scope: 'col', text: h })))),
        rows),
      pager));
  await refresh();
  const soon = app.refresher(refresh, 150);
  app.on((event) => { if (event === '_connected' || event === 'task-updated') soon(); });
  app.every(10_000, soon); // tasks submitted elsewhere (the SDK) announce nothing to this page
}
