import { api } from './admin-api.js';
import { $, count, element, formatTime } from './dom.js';
import { state } from './page-state.js';

// The detail view of one agent: its history from GET /v1/agents/{id}, and the changes the
// operator can make to it through the admin API.

/** Loads the agent's detail, unless the operator closed or changed the view meanwhile. */
export async function loadDetail(id) {
  let detail;
  try {
    detail = await api('GET', `/v1/agents/${encodeURIComponent(id)}`);
  } catch (error) {
    detail = { id, error: error.message };
  }
  if (state.selected === id) state.detail = detail;
}

export async function openDetail(id) {
  state.selected = id;
  $('action-result').textContent = '';
  await loadDetail(id);
  renderDetail();
  $('detail-heading').focus();
}

export function closeDetail() {
  const id = state.selected;
  state.selected = null;
  state.detail = null;
  renderDetail();
  const row = [...$('agents').tBodies[0].rows].find((r) => r.dataset.agent === id);
  (row ? row.querySelector('button') : $('agents-heading')).focus();
}

export function renderDetail() {
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

export function renderActions(detail) {
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

export async function mutate(action, refresh) {
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
