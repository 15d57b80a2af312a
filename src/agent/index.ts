/** The agent-side SDK: what an agent needs to present a verifiable identity. */

export { jwkThumbprint } from '../keys/jwk-thumbprint.js';
export { type AgentFetch, type AgentFetchOptions, agentFetch } from './agent-fetch.js';
export { createDpopProof, type DpopProofInput } from './create-dpop-proof.js';
export { type DidWebDocumentOptions, didWebDocument } from './did-web-document.js';
export type {
  SignatureAgentType,
  WebBotAuthAgent,
  WebBotAuthGeneration,
} from './format-signature-agent.js';
export { forwardedUrl, type PathOptions } from './forwarded-url.js';
export {
  type AgentKey,
  type AgentKeyType,
  agentKeyFromJwk,
  generateAgentKey,
} from './generate-agent-key.js';
export { type MintTokenInput, mintToken } from './mint-token.js';
export {
  type SignatureHeaders,
  type SigningKey,
  type SignRequestInput,
  signRequest,
} from './sign-request.js';
