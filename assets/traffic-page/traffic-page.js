// The agent traffic page (docs/traffic-page.md). Plain ES2020, no build step, no dependencies.
// Every value shown comes from the admin API and is written with textContent, never as HTML:
// agent ids, owners and workloads are caller-controlled strings.

const REFRESH_MS = 5000;
const AGENT_PAGE = 1000;
const TOKEN_KEY = 'agent-authz-admin-token';
const SVG = 'http://www.w3.org/2000/svg';
const TRUST_ORDER = { new: 0, known: 1, trusted: 2 };
const KINDS = [
  { key: 'verified', label: 'Verified agents' },
  { key: 'unsigned', label: 'Unsigned / human' },
  { key: 'denied', label: 'Denied' },
];

const state = {
  traffic: null,
  agents: [],
  moreAgents: false,
  revoked: new Set(),
  sort: { key: 'lastSeen', descending: true },
  selected: null,
  detail: null,
  // The admin token lives in this variable; sessionStorage only when the operator asks for it.
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  mutations: 'unknown',
  timer: undefined,
  lastStatus: '',
};

const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, String(value));
  }
  return node;
}

const formatTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const formatClock = (ms) =>
  new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const count = (n) => Number(n).toLocaleString();

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** Calls the admin API on this origin; mutations carry the token in the Authorization header. */
async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET' && state.token) headers.authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    cache: 'no-store',
    credentials: 'omit',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) throw new ApiError(response.status, data.detail || data.title || 'failed');
  return data;
}

// ---- loading -------------------------------------------------------------------------------

async function refresh() {
  try {
    const window = $('window').value;
    const [traffic, agents, revocations, admin] = await Promise.all([
      api('GET', `/v1/traffic?window=${encodeURIComponent(window)}`),
      api('GET', `/v1/agents?limit=${AGENT_PAGE}`),
      api('GET', '/v1/revocations'),
      api('GET', '/v1/admin'),
    ]);
    state.traffic = traffic;
    state.agents = agents.agents;
    state.moreAgents = agents.next !== undefined;
    state.revoked = new Set(revocations.revoked);
    state.mutations = admin.mutations;
    if (state.selected !== null) await loadDetail(state.selected);
    render();
    $('updated').textContent = `Updated ${new Date().toLocaleTimeString()}.`;
    announce(summary(traffic));
  } catch (error) {
    announce(`Could not load the admin API: ${error.message}`);
  }
}

function announce(text) {
  // Announced only when it changes, so live refresh does not repeat itself to screen readers.
  if (text === state.lastStatus) return;
  state.lastStatus = text;
  $('status').textContent = text;
}

function summary(traffic) {
  const { verified, unsigned, denied } = traffic.totals;
  const total = verified + unsigned + denied;
  return `${count(total)} checks in the ${$('window').selectedOptions[0].text}: ${count(verified)} from verified agents, ${count(unsigned)} unsigned, ${count(denied)} denied.`;
}

function schedule() {
  clearInterval(state.timer);
  state.timer = $('live').checked ? setInterval(refresh, REFRESH_MS) : undefined;
}

// ---- traffic ---------------------------------------------------------------------------------

function render() {
  renderLegend(state.traffic);
  renderChart(state.traffic);
  renderDenials(state.traffic);
  renderTrust(state.traffic, state.agents);
  renderAgents();
  renderToken();
  renderDetail();
}

function renderLegend(traffic) {
  const total = KINDS.reduce((sum, kind) => sum + traffic.totals[kind.key], 0);
  const items = KINDS.map((kind) => {
    const value = traffic.totals[kind.key];
    const item = element('li');
    item.dataset.kind = kind.key;
    item.append(element('span', '', `swatch ${kind.key}`), element('span', kind.label));
    item.append(element('strong', count(value)));
    const share = total === 0 ? 0 : Math.round((100 * value) / total);
    item.append(element('span', `${share} %`, 'muted'));
    return item;
  });
  $('mix-legend').replaceChildren(...items);
}

/** Stacked bars per interval, drawn as SVG: verified at the bottom, then unsigned, then denied. */
function renderChart(traffic) {
  const width = 960;
  const height = 220;
  const left = 44;
  const bottom = 24;
  const plotWidth = width - left - 8;
  const plotHeight = height - bottom - 8;
  const intervals = traffic.series.verified.length;
  const totals = traffic.series.verified.map(
    (v, i) => v + traffic.series.unsigned[i] + traffic.series.denied[i],
  );
  const max = niceCeiling(Math.max(2, ...totals));
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-labelledby': 'chart-title chart-desc',
  });
  const title = svg('title', { id: 'chart-title' });
  title.textContent = 'Checks per interval by kind';
  const desc = svg('desc', { id: 'chart-desc' });
  desc.textContent = summary(traffic);
  chart.append(title, desc);
  for (const fraction of [0, 0.5, 1]) {
    const y = 8 + plotHeight * (1 - fraction);
    chart.append(svg('line', { x1: left, x2: width - 8, y1: y, y2: y }));
    const label = svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' });
    label.textContent = count(Math.round(max * fraction));
    chart.append(label);
  }
  const step = plotWidth / intervals;
  const startMs = Date.parse(traffic.start);
  const intervalMs = traffic.intervalSeconds * 1000;
  for (let i = 0; i < intervals; i += 1) {
    if (totals[i] === 0) continue;
    const group = svg('g');
    const tip = svg('title');
    tip.textContent = `${formatClock(startMs + i * intervalMs)}: ${traffic.series.verified[i]} verified, ${traffic.series.unsigned[i]} unsigned, ${traffic.series.denied[i]} denied`;
    group.append(tip);
    let y = 8 + plotHeight;
    for (const kind of KINDS) {
      const value = traffic.series[kind.key][i];
      if (value === 0) continue;
      const h = (plotHeight * value) / max;
      y -= h;
      const bar = { x: left + i * step, y, width: Math.max(1, step - 1), height: h };
      group.append(svg('rect', { ...bar, class: kind.key, 'data-count': value }));
    }
    chart.append(group);
  }
  for (const [fraction, anchor] of [
    [0, 'start'],
    [0.5, 'middle'],
    [1, 'end'],
  ]) {
    const label = svg('text', {
      x: left + plotWidth * fraction,
      y: height - 6,
      'text-anchor': anchor,
    });
    label.textContent = formatClock(startMs + fraction * intervals * intervalMs);
    chart.append(label);
  }
  $('chart').replaceChildren(chart);
  $('chart-caption').textContent =
    `One bar per ${traffic.intervalSeconds} s interval since ${formatTime(traffic.start)}; counts from server process ${traffic.pid} only.`;
}

/** The smallest 1, 2 or 5 × 10^k at or above n, so the axis reads in round numbers. */
function niceCeiling(n) {
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * power).find((value) => value >= n);
}

function renderDenials(traffic) {
  const rows = Object.entries(traffic.denials).sort((a, b) => b[1] - a[1]);
  const max = rows.length === 0 ? 1 : rows[0][1];
  $('denials').tBodies[0].replaceChildren(
    ...rows.map(([reason, n]) => {
      const row = element('tr');
      row.append(element('td', reason, 'id'), element('td', count(n), 'num'));
      const bar = element('span', '', 'bar');
      bar.style.width = `${Math.max(2, Math.round((100 * n) / max))}%`;
      const cell = element('td');
      cell.append(bar);
      row.append(cell);
      return row;
    }),
  );
  $('denials').hidden = rows.length === 0;
  $('denials-empty').hidden = rows.length > 0;
}

function renderTrust(traffic, agents) {
  const since = Date.parse(traffic.start);
  const rows = Object.keys(TRUST_ORDER).map((level) => {
    const ofLevel = agents.filter((agent) => agent.trust === level);
    const fresh = ofLevel.filter(
      (agent) => agent.firstSeen && Date.parse(agent.firstSeen) >= since,
    );
    const row = element('tr');
    row.dataset.trust = level;
    row.append(element('th', level));
    row.firstChild.scope = 'row';
    row.append(element('td', count(ofLevel.length), 'num'));
    row.append(element('td', count(fresh.length), 'num'));
    row.append(element('td', count(traffic.trust[level]), 'num'));
    return row;
  });
  $('trust').tBodies[0].replaceChildren(...rows);
  $('trust-note').textContent = state.moreAgents
    ? `Agent counts cover the first ${AGENT_PAGE} agents by id.`
    : 'Trust is each agent’s level now; checks are counted at the level the agent had then.';
}

// ---- agents table --------------------------------------------------------------------------

function agentState(agent) {
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

function renderAgents() {
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

// ---- detail and mutations ------------------------------------------------------------------

async function loadDetail(id) {
  try {
    state.detail = await api('GET', `/v1/agents/${encodeURIComponent(id)}`);
  } catch (error) {
    state.detail = { id, error: error.message };
  }
}

async function openDetail(id) {
  state.selected = id;
  $('action-result').textContent = '';
  await loadDetail(id);
  renderDetail();
  $('detail-heading').focus();
}

function closeDetail() {
  const id = state.selected;
  state.selected = null;
  state.detail = null;
  renderDetail();
  const row = [...$('agents').tBodies[0].rows].find((r) => r.dataset.agent === id);
  (row ? row.querySelector('button') : $('agents-heading')).focus();
}

function renderDetail() {
  const detail = state.detail;
  $('detail').hidden = detail === null;
  if (detail === null) return;
  $('detail-heading').textContent = detail.owner ? `Agent of ${detail.owner}` : 'Agent';
  $('detail-id').textContent = detail.id;
  const facts = detail.error
    ? [['Error', detail.error]]
    : [
        ['Registered in the policy', detail.registered ? 'yes' : 'no'],
        ['Owner', detail.owner || '—'],
        ['Zones', detail.zones ? detail.zones.join(', ') : 'any'],
        ['Trust', detail.trust],
        ['Quarantined', detail.quarantined ? 'yes' : 'no'],
        ['Revoked through the API', state.revoked.has(detail.id) ? 'yes' : 'no'],
        ['First seen', formatTime(detail.firstSeen)],
        ['Last seen', formatTime(detail.lastSeen)],
        ['Allowed checks', count(detail.allowed || 0)],
        ['Denied checks', count(detail.denied || 0)],
        ['Pinned workload', detail.pinnedWorkload || '—'],
      ];
  $('detail-facts').replaceChildren(
    ...facts.flatMap(([term, value]) => [element('dt', term), element('dd', value)]),
  );
  const workloads = detail.workloads || [];
  $('detail-workloads').replaceChildren(
    ...(workloads.length ? workloads.map((w) => element('li', w, 'id')) : [element('li', 'none')]),
  );
  const drift = detail.driftEvents || [];
  $('detail-drift').tBodies[0].replaceChildren(
    ...drift.map((event) => {
      const row = element('tr');
      row.append(element('td', formatTime(event.at)), element('td', event.from, 'id'));
      row.append(element('td', event.to, 'id'));
      return row;
    }),
  );
  $('detail-drift').hidden = drift.length === 0;
  $('detail-drift-empty').hidden = drift.length > 0;
  renderActions(detail);
}

function renderActions(detail) {
  const revoked = state.revoked.has(detail.id);
  const usable = state.mutations === 'enabled' && state.token !== '' && !detail.error;
  $('revoke').hidden = revoked;
  $('unrevoke').hidden = !revoked;
  $('revoke').disabled = !usable;
  $('unrevoke').disabled = !usable;
  $('release').disabled = !usable || !detail.quarantined;
  $('action-hint').textContent =
    state.mutations === 'disabled'
      ? 'Changes are disabled on this server: it has no admin token configured (admin.token).'
      : state.token === ''
        ? 'Enter the admin token above to revoke this agent or release it from quarantine.'
        : detail.quarantined
          ? ''
          : 'Release is available once the agent is quarantined.';
}

async function mutate(action) {
  const id = state.selected;
  const path = {
    revoke: ['POST', '/v1/revocations', { id }],
    unrevoke: ['DELETE', `/v1/revocations/${encodeURIComponent(id)}`],
    release: ['POST', `/v1/agents/${encodeURIComponent(id)}/release`],
  }[action];
  const done = {
    revoke: 'Revoked: its next check is denied (agent_revoked).',
    unrevoke: 'Revocation lifted: its next check is evaluated afresh.',
    release: 'Released from quarantine: its next check is evaluated afresh.',
  }[action];
  const result = $('action-result');
  result.className = '';
  try {
    await api(...path);
    result.textContent = done;
  } catch (error) {
    result.className = 'error';
    result.textContent =
      error.status === 401
        ? 'The server refused the admin token (401). Enter the right token above.'
        : `Not done (${error.status}): ${error.message}`;
  }
  await refresh();
  // The pressed button may now be hidden or disabled: keep the keyboard focus in the view.
  const pressed = $(action);
  if (pressed.hidden || pressed.disabled) $('detail-heading').focus();
}

// ---- token ---------------------------------------------------------------------------------

function renderToken() {
  const text =
    state.mutations === 'disabled'
      ? 'Changes are disabled on this server: no admin token is configured (set admin.token or AGENT_AUTHZ_ADMIN_TOKEN). The page is read-only.'
      : state.token === ''
        ? 'No admin token entered: the page is read-only. Enter the token to revoke agents or release quarantines.'
        : sessionStorage.getItem(TOKEN_KEY)
          ? 'An admin token is set and kept in sessionStorage for this tab.'
          : 'An admin token is set for this page only (in memory, gone on reload).';
  $('token-state').textContent = text;
  $('forget').disabled = state.token === '';
}

function useToken(event) {
  event.preventDefault();
  state.token = $('token').value.trim();
  $('token').value = '';
  if ($('remember').checked && state.token) sessionStorage.setItem(TOKEN_KEY, state.token);
  else sessionStorage.removeItem(TOKEN_KEY);
  renderToken();
  if (state.detail) renderActions(state.detail);
}

function forgetToken() {
  state.token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  renderToken();
  if (state.detail) renderActions(state.detail);
}

// ---- wiring --------------------------------------------------------------------------------

function start() {
  $('remember').checked = sessionStorage.getItem(TOKEN_KEY) !== null;
  $('token-form').addEventListener('submit', useToken);
  $('forget').addEventListener('click', forgetToken);
  $('window').addEventListener('change', refresh);
  $('refresh').addEventListener('click', refresh);
  $('live').addEventListener('change', schedule);
  for (const id of ['filter', 'trust-filter', 'quarantined-only']) {
    $(id).addEventListener('input', renderAgents);
  }
  for (const header of $('agents').tHead.rows[0].cells) {
    header.querySelector('button').addEventListener('click', () => sortBy(header.dataset.sort));
  }
  $('revoke').addEventListener('click', () => mutate('revoke'));
  $('unrevoke').addEventListener('click', () => mutate('unrevoke'));
  $('release').addEventListener('click', () => mutate('release'));
  $('close-detail').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.selected !== null) closeDetail();
  });
  renderToken();
  schedule();
  refresh();
}

start();
