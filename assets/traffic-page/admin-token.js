import { renderActions } from './agent-detail.js';
import { $ } from './dom.js';
import { state, TOKEN_KEY } from './page-state.js';

// The admin token: typed by the operator, kept in state.token (in sessionStorage only when
// asked), sent only in the Authorization header of changes, never put in a URL or logged.

export function renderToken() {
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

export function useToken(event) {
  event.preventDefault();
  state.token = $('token').value.trim();
  $('token').value = '';
  if ($('remember').checked && state.token) sessionStorage.setItem(TOKEN_KEY, state.token);
  else sessionStorage.removeItem(TOKEN_KEY);
  renderToken();
  if (state.detail) renderActions(state.detail);
}

export function forgetToken() {
  state.token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  renderToken();
  if (state.detail) renderActions(state.detail);
}
