import { extractCredential, presentedProfile } from '../credentials/extract-credential.js';
import type { AgentIdentity, Decision } from '../decision/decision.js';
import { isAuthzError } from '../errors.js';
import { evaluatePolicy } from '../policy/evaluate-policy.js';
import type { AuthzRequest } from '../request/authz-request.js';
import type { CheckDeps } from './check-deps.js';
import { verifySignedRequest } from './verify-signed-request.js';

/**
 * The check, in the order of SPEC §3: credential → key → proof → replay → policy → decision.
 * This is the one place that turns failures into denials, and anything unexpected fails closed.
 */
export async function runCheck(request: AuthzRequest, deps: CheckDeps): Promise<Decision> {
  const workload = request.source.principal || undefined;
  const presented: AgentIdentity = {
    verified: false,
    profile: presentedProfile(request),
    workload,
  };
  try {
    const credential = extractCredential(request);
    const identity =
      credential.profile === 'signed-request'
        ? await verifySignedRequest(request, credential.signature, deps)
        : presented;
    return { allowed: true, identity: evaluatePolicy(deps.policy(), identity) };
  } catch (error) {
    return denial(error, presented, deps);
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
