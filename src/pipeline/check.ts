import type { Credential } from '../credentials/credential.js';
import { extractCredential, presentedProfile } from '../credentials/extract-credential.js';
import type { AgentIdentity, Decision } from '../decision/decision.js';
import { isAuthzError } from '../errors.js';
import { evaluatePolicy } from '../policy/evaluate-policy.js';
import type { AuthzRequest } from '../request/authz-request.js';
import type { CheckDeps } from './check-deps.js';
import { verifySignedRequest } from './verify-signed-request.js';
import { verifyTokenRequest } from './verify-token-request.js';

/**
 * The check, in the order of SPEC §3: credential → key → proof → binding → replay → policy →
 * decision.
 * This is the one place that turns failures into denials, and anything unexpected fails closed.
 */
export async function runCheck(request: AuthzRequest, deps: CheckDeps): Promise<Decision> {
  const options = { tokens: deps.tokens !== undefined };
  const presented: AgentIdentity = {
    verified: false,
    profile: presentedProfile(request, options),
    workload: request.source.principal || undefined,
  };
  try {
    const credential = extractCredential(request, options);
    const identity = await verifyCredential(request, credential, deps, presented);
    return { allowed: true, identity: evaluatePolicy(deps.policy(), identity) };
  } catch (error) {
    return denial(error, presented, deps);
  }
}

/** The profile's own verification; each returns the verified identity or throws. */
function verifyCredential(
  request: AuthzRequest,
  credential: Credential,
  deps: CheckDeps,
  unsigned: AgentIdentity,
): Promise<AgentIdentity> | AgentIdentity {
  switch (credential.profile) {
    case 'signed-request':
      return verifySignedRequest(request, credential.signature, deps);
    case 'dpop':
    case 'mtls':
      // extractCredential only yields a token when token issuers are configured.
      return verifyTokenRequest(request, credential, deps.tokens!, deps);
    case 'unsigned':
      return unsigned;
  }
}

function denial(error: unknown, identity: AgentIdentity, deps: CheckDeps): Decision {
  if (isAuthzError(error)) {
    return {
      allowed: false,
      identity,
      reason: error.code,
      message: error.message,
      ...(error.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  deps.onInternalError(error);
  return { allowed: false, identity, reason: 'internal_error', message: 'the authorizer failed' };
}
