import { readFile } from 'node:fs/promises';
import type { AdminHandler } from './admin-deps.js';
import { type AdminReply, problem } from './admin-reply.js';

/** Shipped in the package next to dist/ (package.json "files"); read once, then from memory. */
const ASSETS = new URL('../../assets/traffic-page/', import.meta.url);

/**
 * The page loads only its own files and talks only to this origin: no inline script or style,
 * no other origin, no framing, and forms cannot be submitted anywhere (the token form is
 * handled by the script, so a token never ends up in a URL).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** A file name in the assets folder: no slash, no dot but the extension's, so no traversal. */
export const ASSET_NAME = /^[a-z][a-z0-9-]*\.(js|css|svg)$/;

const loaded = new Map<string, Promise<string>>();

/** The file's text, read once; a file that cannot be read is not remembered. */
function readAsset(name: string): Promise<string> {
  let content = loaded.get(name);
  if (content === undefined) {
    content = readFile(new URL(name, ASSETS), 'utf8');
    loaded.set(name, content);
    content.catch(() => loaded.delete(name));
  }
  return content;
}

async function serve(name: string): Promise<AdminReply> {
  const type = TYPES[name.slice(name.lastIndexOf('.') + 1)]!;
  try {
    return {
      status: 200,
      text: { contentType: type, content: await readAsset(name) },
      headers: PAGE_HEADERS,
    };
  } catch {
    return problem(404, 'Not found', 'The traffic page has no such file.');
  }
}

/** `GET /`: the agent traffic page (docs/traffic-page.md). */
export const trafficPage: AdminHandler = () => serve('index.html');

/** `GET /assets/{name}`: the page's scripts, stylesheet and icon. */
export const pageAsset: AdminHandler = async (_deps, { params }) => {
  const name = params[0]!;
  return ASSET_NAME.test(name) ? serve(name) : problem(404, 'Not found', 'No such file.');
};
