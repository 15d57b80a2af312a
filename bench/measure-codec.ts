/**
 * The Check codec alone, for callgrind: N rounds (after 3000 of warm-up) of decodeCheckRequest →
 * toAuthzRequest → encode and frame a typical allowed CheckResponse, over a signed Envoy request.
 *
 *   node dist-bench/bench/measure-codec.js N [DIST]
 *
 * DIST is another checkout's dist-bench (to count its codec the same way); instructions per
 * round are (I(N2) − I(N1)) / (N2 − N1).
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { envoyCheckRequest } from '../test/support/envoy-check-request.js';

const rounds = Number(process.argv[2]);
const dist = resolve(process.argv[3] ?? fileURLToPath(new URL('..', import.meta.url)));
const load = (path: string) => import(pathToFileURL(resolve(dist, path)).href);
const codec = await load('src/transport/grpc/check-codec.js');
const { toAuthzRequest } = await load('src/transport/grpc/to-authz-request.js');

const DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const request = envoyCheckRequest({
  method: 'GET',
  url: 'https://api.example.com/orders/1b4e28ba-2fa1-11d2-883f-0016d3cca427?page=2',
  headers: {
    accept: 'application/json',
    'accept-encoding': 'gzip, br',
    'signature-input': `sig1=("@method" "@authority" "@path" "@query");created=1795786745;keyid="${DID}";alg="ed25519";nonce="3f1c0a2b9d8e4f6a"`,
    signature: `sig1=:${'A'.repeat(86)}==:`,
  },
  principal: 'spiffe://cluster.local/ns/billing/sa/agent',
});
const bytes = Buffer.from(codec.encodeCheckRequest(request));
const set = (key: string, value: string) => ({
  header: { key, value },
  append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
});
const response = {
  status: { code: 0 },
  ok_response: {
    headers: [
      set('x-agent-verified', 'true'),
      set('x-agent-profile', 'signed'),
      set('x-agent-id', DID),
      set('x-agent-key-id', DID),
    ],
    headers_to_remove: ['x-agent-workload', 'x-agent-zone', 'x-agent-trust', 'x-agent-owner'],
  },
  dynamic_metadata: {
    fields: {
      agent_authz: {
        structValue: {
          fields: {
            decision: { stringValue: 'allow' },
            verified: { boolValue: true },
            profile: { stringValue: 'signed' },
            agent_id: { stringValue: DID },
          },
        },
      },
    },
  },
};
/** The codec's framed encoding, or (a checkout before it had one) encode then frame. */
const frame: (message: object) => Buffer =
  codec.encodeCheckResponseFrame ??
  ((message: object) => {
    const body: Uint8Array = codec.encodeCheckResponse(message);
    const framed = Buffer.allocUnsafe(5 + body.length);
    framed[0] = 0;
    framed.writeUInt32BE(body.length, 1);
    framed.set(body, 5);
    return framed;
  });
let sink = 0;
for (let i = 0; i < 3000 + rounds; i++) {
  sink += toAuthzRequest(codec.decodeCheckRequest(bytes)).headers.size;
  sink += frame(response).length;
}
process.stdout.write(`${sink}\n`);
