// DOM helpers. Values are always set as text (textContent, setAttribute), never as HTML:
// agent ids, owners and workloads are caller-controlled strings.

const SVG = 'http://www.w3.org/2000/svg';

export const $ = (id) => document.getElementById(id);

export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

export function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, String(value));
  }
  return node;
}

export const formatTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
export const formatClock = (ms) =>
  new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
export const count = (n) => Number(n).toLocaleString();
