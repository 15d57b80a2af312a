import { z } from 'zod';

/**
 * The IstioOperator schema leaves `meshConfig` open, so the ext_authz provider entries are
 * checked here, strictly, against the fields Istio's MeshConfig.ExtensionProvider documents for
 * `envoyExtAuthzGrpc` and `envoyExtAuthzHttp` (unknown fields rejected).
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

const providerSchema = z.union([
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

/** Problems with the ext_authz providers of an IstioOperator's meshConfig. */
export function checkProviders(operator: Record<string, unknown>): string[] {
  const spec = operator.spec as { meshConfig?: { extensionProviders?: unknown[] } } | undefined;
  return (spec?.meshConfig?.extensionProviders ?? []).flatMap((provider, index) => {
    const result = providerSchema.safeParse(provider);
    return result.success
      ? []
      : result.error.issues.map(
          (issue) => `extensionProviders[${index}].${issue.path.join('.')}: ${issue.message}`,
        );
  });
}
