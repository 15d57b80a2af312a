import {
  credentials,
  type GrpcObject,
  status as grpcStatus,
  loadPackageDefinition,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import type { EnumTypeDefinition } from '@grpc/proto-loader';
import { CommandFailed } from '../../command-line/cli-errors.js';
import type {
  CheckRequestMessage,
  CheckResponseMessage,
} from '../../transport/grpc/check-messages.js';
import { loadExternalAuthProtos } from '../../transport/grpc/load-protos.js';

type CheckClient = {
  Check(
    request: CheckRequestMessage,
    metadata: Metadata,
    options: { deadline: number },
    callback: (error: Error | null, response: CheckResponseMessage) => void,
  ): void;
  close(): void;
};

/** How long one Check may take before the CLI gives up on the server. */
const DEADLINE_MS = 10_000;

/** What `agent-authz check` prints for one answer. */
export type CheckSummary =
  | { decision: 'allow'; headers: Record<string, string>; headersToRemove: string[] }
  | { decision: 'deny'; status: number; statusName: string; grpcStatus: string; body: unknown };

/**
 * Sends `request` to the Authorization service at `server` `times` times over one connection,
 * one call after the other, exactly as Envoy would, and summarises each answer. A call that
 * gets no answer is a CommandFailed saying why, in the user's terms.
 */
export async function askAuthzServer(
  server: string,
  request: CheckRequestMessage,
  times: number,
): Promise<CheckSummary[]> {
  const definition = loadExternalAuthProtos();
  const grpc = loadPackageDefinition(definition) as GrpcObject;
  const auth = ((grpc.envoy as GrpcObject).service as GrpcObject).auth as GrpcObject;
  const Client = (auth.v3 as GrpcObject).Authorization as unknown as new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
  ) => CheckClient;
  const client = new Client(server, credentials.createInsecure());
  const httpStatus = httpStatusNumbers(
    definition['envoy.type.v3.StatusCode'] as EnumTypeDefinition,
  );
  try {
    const summaries: CheckSummary[] = [];
    for (let i = 0; i < times; i++) {
      const response = await callCheck(client, request).catch((error: ServiceError) => {
        throw checkFailed(server, error);
      });
      summaries.push(summarise(response, httpStatus));
    }
    return summaries;
  } finally {
    client.close();
  }
}

function callCheck(client: CheckClient, request: CheckRequestMessage) {
  return new Promise<CheckResponseMessage>((resolve, reject) => {
    const deadline = Date.now() + DEADLINE_MS;
    client.Check(request, new Metadata(), { deadline }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Envoy's HttpStatus names (`Unauthorized`) to their numbers (401), from the proto. */
function httpStatusNumbers(statusCode: EnumTypeDefinition): Map<string, number> {
  const values = (statusCode.type as { value: Array<{ name: string; number: number }> }).value;
  return new Map(values.map(({ name, number }) => [name, number]));
}

function summarise(response: CheckResponseMessage, httpStatus: Map<string, number>): CheckSummary {
  if (response.ok_response) {
    return {
      decision: 'allow',
      headers: Object.fromEntries(
        response.ok_response.headers.map((h) => [h.header.key, h.header.value]),
      ),
      headersToRemove: response.ok_response.headers_to_remove ?? [],
    };
  }
  const statusName = String(response.denied_response?.status.code ?? 'Forbidden');
  return {
    decision: 'deny',
    status: httpStatus.get(statusName) ?? 403,
    statusName,
    grpcStatus: grpcStatus[response.status.code] ?? String(response.status.code),
    body: JSON.parse(response.denied_response?.body || '{}'),
  };
}

const USE_SERVER = 'use --server HOST:PORT (or AGENT_AUTHZ_LISTEN_GRPC)';

/** Why a Check call got no answer, from grpc-js's status and details, and what to try. */
function checkFailed(server: string, error: ServiceError): CommandFailed {
  const details = error.details ?? error.message;
  const running = `is agent-authz serve running on ${server}? ${USE_SERVER}`;
  const failed = (message: string, hint: string) =>
    new CommandFailed(message, { hint, cause: error });
  if (details.includes('Name resolution failed')) {
    return failed(`cannot resolve the host of ${server}`, `check the name, or ${USE_SERVER}`);
  }
  if (details.includes('Protocol error')) {
    return failed(
      `${server} does not answer gRPC (is it the HTTP or the admin port?)`,
      'give the gRPC port (listen.grpc, 9191 by default) with --server HOST:PORT',
    );
  }
  if (error.code === grpcStatus.DEADLINE_EXCEEDED) {
    return failed(`${server} did not answer within ${DEADLINE_MS / 1000} s`, running);
  }
  if (error.code === grpcStatus.UNIMPLEMENTED) {
    return failed(`${server} answers gRPC but is not an ext_authz server`, running);
  }
  if (error.code === grpcStatus.UNAVAILABLE) {
    const errno = /\b(E[A-Z]{4,})\b/.exec(details)?.[1];
    const why = errno === 'ECONNREFUSED' ? 'connection refused' : (errno ?? 'unavailable');
    return failed(`cannot connect to ${server} (${why})`, running);
  }
  const name = grpcStatus[error.code] ?? String(error.code);
  return failed(`the check at ${server} failed: ${name} ${details.split('\n')[0]}`, running);
}
