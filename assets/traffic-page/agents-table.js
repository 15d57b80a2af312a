import { $, count, element, formatTime } from './dom.js';
import { AGENT_PAGE, state, TRUST_ORDER } from './page-state.js';

// The agents table: one row per agent with a recorded history, sorted by the column headers
// and narrowed by the filter controls; an agent's id opens its detail.

let openDetail = () => {};

export function agentState(agent) {
  const states = [];
  if (agent.quarantined) states.push('quarantined');
  if (state.revoked.has(agent.id)) states.push('revoked');
  return states;
}

const SORT_KEYS = {
  id: (a) => a.id,
  owner: (a) => a.owner || '',
  trust: (a) => TRUST_ORDER[a.trust],
  firstSeen: (a) => a.firstSeen || '',
  lastSeen: (a) => a.lastSeen || '',
  allowed: (a) => a.allowed,
  denied: (a) => a.denied,
  workloads: (a) => a.workloads.length,
  drift: (a) => a.driftEvents.length,
  state: (a) => agentState(a).join(' '),
};

function visibleAgents() {
  const text = $('filter').value.trim().toLowerCase();
  const trust = $('trust-filter').value;
  const quarantinedOnly = $('quarantined-only').checked;
  const key = SORT_KEYS[state.sort.key];
  const direction = state.sort.descending ? -1 : 1;
  return state.agents
    .filter((agent) => !trust || agent.trust === trust)
    .filter((agent) => !quarantinedOnly || agent.quarantined)
    .filter(
      (agent) =>
        !text ||
        [agent.id, agent.owner || '', ...agent.workloads].some((field) =>
          field.toLowerCase().includes(text),
        ),
    )
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = x < y ? -1 : x > y ? 1 : 0;
      return order === 0 ? a.id.localeCompare(b.id) : order * direction;
    });
}

export function renderAgents() {
  const agents = visibleAgents();
  const rows = agents.map((agent) => {
    const row = element('tr');
    row.dataset.agent = agent.id;
    const open = element('button', agent.id);
    open.type = 'button';
    open.setAttribute('aria-label', `Details of ${agent.id}`);
    open.addEventListener('click', () => openDetail(agent.id));
    const idCell = element('td', undefined, 'id');
    idCell.append(open);
    const stateCell = element('td');
    const states = agentState(agent);
    for (const name of states) stateCell.append(element('span', name, `badge ${name}`), ' ');
    if (states.length === 0) stateCell.textContent = 'active';
    row.append(
      idCell,
      element('td', agent.owner || '—'),
      element('td', agent.trust),
      element('td', formatTime(agent.firstSeen)),
      element('td', formatTime(agent.lastSeen)),
      element('td', count(agent.allowed), 'num'),
      element('td', count(agent.denied), 'num'),
      element('td', agent.workloads.join(', ') || '—', 'id'),
      element('td', count(agent.driftEvents.length), 'num'),
      stateCell,
    );
    return row;
  });
  $('agents').tBodies[0].replaceChildren(...rows);
  for (const header of $('agents').tHead.rows[0].cells) {
    const sorted = header.dataset.sort === state.sort.key;
    if (sorted)
      header.setAttribute('aria-sort', state.sort.descending ? 'descending' : 'ascending');
    else header.removeAttribute('aria-sort');
  }
  const shown = `${agents.length} of ${state.agents.length} agents shown`;
  $('agents-note').textContent = state.moreAgents
    ? `${shown}; only the first ${AGENT_PAGE} by id are loaded (GET /v1/agents pages through all).`
    : `${shown}.`;
}

function sortBy(key) {
  const same = state.sort.key === key;
  state.sort = { key, descending: same ? !state.sort.descending : key !== 'id' && key !== 'owner' };
  renderAgents();
}

/** Sorting by the header buttons, filtering by the controls above; a row's id opens its detail. */
export function wireAgentsTable(onOpen) {
  openDetail = onOpen;
  for (const id of ['filter', 'trust-filter', 'quarantined-only']) {
    $(id).addEventListener('input', renderAgents);
  }
  for (const header of $('agents').tHead.rows[0].cells) {
    header.querySelector('button').addEventListener('click', () => sortBy(header.dataset.sort));
  }
}
