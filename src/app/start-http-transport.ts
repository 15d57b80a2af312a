import type { Config } from '../config/config-schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { CheckEngine } from '../transport/grpc/authorization-service.js';
import { type HttpTransport, startHttpTransport } from '../transport/http/http-server.js';

/** Starts the HTTP ext_authz listener unless `listen.http` is "", sharing the engine. */
export async function startHttpListener(
  config: Config,
  check: CheckEngine,
  logger: Logger,
): Promise<HttpTransport | undefined> {
  if (config.listen.http === '') return undefined;
  const transport = await startHttpTransport(config.listen.http, check, config.http, config.limits);
  logger.info(
    { http: config.listen.http, port: transport.port, pathPrefix: config.http.pathPrefix },
    'HTTP ext_authz listening',
  );
  return transport;
}
