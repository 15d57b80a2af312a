import type { Config } from '../config/config-schema.js';
import { normaliseAgentUrl } from '../credentials/normalise-agent-url.js';
import { WELL_KNOWN_DIRECTORY_PATH, webBotAuthAgentId } from '../keys/canonical-agent-id.js';
import type { KeyLocation } from '../keys/resolve-directory-key.js';
import type { WebBotAuthSettings } from '../proofs/check-web-bot-auth-profile.js';

/**
 * `webBotAuth` of the config as the check reads it. A tag directory that is an origin means its
 * well-known key directory; any other URL is fetched as a JWKS. Requests verified against it
 * are attributed to the directory's identifier, as a G3 member naming the same URL would be.
 */
export function webBotAuthSettings(config: Config['webBotAuth']): WebBotAuthSettings {
  const tagDirectories = new Map<string, KeyLocation>();
  for (const { tag, url } of config.tagDirectories) {
    const { fetchUrl } = normaliseAgentUrl(url);
    const origin = fetchUrl.pathname === '/' && fetchUrl.search === '';
    tagDirectories.set(tag, {
      generation: 'tag-directory',
      fetchUrl: origin ? new URL(WELL_KNOWN_DIRECTORY_PATH, fetchUrl) : fetchUrl,
      agentId: webBotAuthAgentId(fetchUrl),
    });
  }
  return {
    generations: new Set(config.generations),
    maxValidityMs: config.maxValidity,
    tagDirectories,
  };
}
