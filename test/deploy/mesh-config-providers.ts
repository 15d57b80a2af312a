import { z } from 'zod';

/**
 * Mesh config is not a Kubernetes object (it is the `mesh` text of the `istio` ConfigMap, or Helm
 * values, or an open field of the IstioOperator schema), so the ext_authz provider entries are
 * checked here, strictly, against the fields of Istio's MeshConfig.ExtensionProvider
 * (`EnvoyExternalAuthorizationGrpcProvider`, `…HttpProvider`; unknown fields rejected).
 */
const duration = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/);
const port = z.int().min(1).max(65_535);
const body = z.strictObject({
  maxRequestBytes: z.int().positive(),
  allowPartialMessage: z.boolean().optional(),
  packAsBytes: z.boolean().optional(),
});
const shared = {
  service: z.string().min(1),
  port,
  timeout: duration.optional(),
  failOpen: z.boolean().optional(),
  clearRouteCache: z.boolean().optional(),
  statusOnError: z.string().optional(),
  includeRequestBodyInCheck: body.optional(),
};
const headerList = z.array(z.string().min(1)).optional();

export const providerSchema = z.union([
  z.strictObject({ name: z.string().min(1), envoyExtAuthzGrpc: z.strictObject(shared) }),
  z.strictObject({
    name: z.string().min(1),
    envoyExtAuthzHttp: z.strictObject({
      ...shared,
      pathPrefix: z.string().startsWith('/').optional(),
      includeRequestHeadersInCheck: headerList,
      includeAdditionalHeadersInCheck: z.record(z.string(), z.string()).optional(),
      headersToUpstreamOnAllow: headerList,
      headersToDownstreamOnAllow: headerList,
      headersToDownstreamOnDeny: headerList,
    }),
  }),
]);

export type Provider = z.infer<typeof providerSchema>;

/** Problems with a list of ext_authz extension providers, each with its index and field. */
export function checkProviders(providers: readonly unknown[]): string[] {
  return providers.flatMap((provider, index) => {
    const result = providerSchema.safeParse(provider);
    return result.success
      ? []
      : result.error.issues.map(
          (issue) => `extensionProviders[${index}].${issue.path.join('.')}: ${issue.message}`,
        );
  });
}
