import { readFile } from 'node:fs/promises';
import type { AdminHandler } from './admin-deps.js';
import type { AdminReply } from './admin-reply.js';

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

const TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
} as const;

const loaded = new Map<string, Promise<string>>();

function asset(file: string, type: keyof typeof TYPES): AdminHandler {
  return async () => {
    let content = loaded.get(file);
    if (content === undefined) {
      content = readFile(new URL(file, ASSETS), 'utf8');
      loaded.set(file, content);
      content.catch(() => loaded.delete(file));
    }
    const reply: AdminReply = {
      status: 200,
      text: { contentType: TYPES[type], content: await content },
      headers: PAGE_HEADERS,
    };
    return reply;
  };
}

/** `GET /`: the agent traffic page (docs/traffic-page.md), and the files it loads. */
export const trafficPage = asset('index.html', 'html');
export const pageScript = asset('traffic-page.js', 'js');
export const pageStyles = asset('traffic-page.css', 'css');
export const pageIcon = asset('favicon.svg', 'svg');
