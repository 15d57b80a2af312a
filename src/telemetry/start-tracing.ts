/** A started OpenTelemetry SDK; `shutdown` flushes buffered spans and unregisters it. */
export interface Tracing {
  readonly protocol: 'grpc' | 'http/protobuf';
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** `telemetry.otlp`: a base OTLP endpoint (as OTEL_EXPORTER_OTLP_ENDPOINT); '' to use env. */
  readonly endpoint: string;
  /** Where the endpoint and protocol variables are looked up; the SDK reads process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly serviceVersion: string;
}

/**
 * SPEC §7: the SDK and OTLP exporter start only when an endpoint is configured, so without one
 * only `@opentelemetry/api` is loaded (its no-op tracer). The SDK modules are imported on demand.
 * The standard variables apply: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (resource),
 * OTEL_TRACES_SAMPLER(_ARG) (sampler), OTEL_BSP_* (batching), OTEL_EXPORTER_OTLP_* (exporter,
 * headers, timeout) and OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL (`http/protobuf` or `grpc`).
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  const { env } = options;
  const fromEnv = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (env.OTEL_SDK_DISABLED === 'true') return undefined;
  if (options.endpoint === '' && (fromEnv === undefined || fromEnv === '')) return undefined;
  const protocol = tracesProtocol(env);
  const [{ NodeTracerProvider, BatchSpanProcessor }, resources, api] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/api'),
  ]);
  const exporter = await createExporter(protocol, options.endpoint);
  const resource = resources
    .defaultResource()
    .merge(
      resources.resourceFromAttributes({
        'service.name': 'agent-authz',
        'service.version': options.serviceVersion,
      }),
    )
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return {
    protocol,
    shutdown: async () => {
      await provider.shutdown();
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
    },
  };
}

function tracesProtocol(env: TracingOptions['env']): Tracing['protocol'] {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  return protocol === 'grpc' ? 'grpc' : 'http/protobuf';
}

/**
 * With `telemetry.otlp`, the URL is built as the OTLP spec builds it from a base endpoint
 * (`/v1/traces` appended for HTTP); without it the exporter reads the OTEL_* variables itself.
 */
async function createExporter(protocol: Tracing['protocol'], endpoint: string) {
  if (protocol === 'grpc') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
    return new OTLPTraceExporter(endpoint === '' ? {} : { url: endpoint });
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  const url = endpoint === '' ? undefined : new URL('v1/traces', withSlash(endpoint)).href;
  return new OTLPTraceExporter(url === undefined ? {} : { url });
}

function withSlash(endpoint: string): string {
  return endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
}
