import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestCa } from '../test/support/test-pki.js';
import type { SharedMaterial } from './make-requests.js';

const DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';

export interface SharedSetup {
  readonly material: SharedMaterial;
  /** Adds keys to the Web Bot Auth key directory the HTTPS host serves. */
  publish(keys: readonly object[]): void;
  close(): void;
}

/**
 * A throwaway CA (its PEM in `<workDir>/ca.pem` for resolver.caFile), a client certificate for
 * certificate-bound tokens, and an HTTPS host on 127.0.0.1 serving one Web Bot Auth key
 * directory. The server fetches the directory once; later checks use its cache.
 */
export async function setUpSharedMaterial(workDir: string): Promise<SharedSetup> {
  const ca = await createTestCa('agent-authz bench CA');
  const caFile = join(workDir, 'ca.pem');
  writeFileSync(caFile, ca.pem);
  const client = await ca.issue({ commonName: 'bench-agent' });
  const host = await ca.issue({
    commonName: '127.0.0.1',
    ipAddresses: ['127.0.0.1'],
    server: true,
  });
  const keys: object[] = [];
  const server: Server = createServer({ key: host.privateKeyPem, cert: host.pem }, (req, res) => {
    if (req.url !== DIRECTORY_PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/http-message-signatures-directory+json',
      'cache-control': 'max-age=3600',
    });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    material: {
      clientCertificatePem: client.pem,
      directoryOrigin: `https://127.0.0.1:${port}`,
      caFile,
    },
    publish: (added) => keys.push(...added),
    close: () => server.close(),
  };
}
