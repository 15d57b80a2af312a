import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCompose, checkDockerfile } from './check-container-files.js';

const ROOT = '.';
const compose = readFileSync('docker-compose.yml', 'utf8');
const dockerfile = readFileSync('Dockerfile', 'utf8');

describe('docker-compose.yml', () => {
  it('pins every image, declares every volume and mounts only files that exist', () => {
    expect(checkCompose(compose, ROOT)).toEqual([]);
  });

  it('runs Envoy, agent-authz, Redis, an echo upstream, a collector with Jaeger and the demo agent', () => {
    for (const service of [
      'envoy',
      'agent-authz',
      'redis',
      'echo',
      'otel-collector',
      'jaeger',
      'demo-agent',
      'setup',
    ]) {
      expect(compose).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    }
  });

  it.each([
    [
      'an unpinned image',
      'image: redis:7.4.1-alpine',
      'image: redis:latest',
      /redis: image redis:latest is not pinned/,
    ],
    [
      'an image without a tag',
      'image: jaegertracing/all-in-one:1.63.0',
      'image: jaegertracing/all-in-one',
      /jaeger: image .* is not pinned/,
    ],
    [
      'a mounted file that is missing',
      './envoy/envoy-grpc.yaml:',
      './envoy/envoy-missing.yaml:',
      /envoy: mounted .*envoy-missing\.yaml does not exist/,
    ],
    [
      'an undeclared volume',
      '- demo-certs:/etc/envoy/certs:ro',
      '- certs:/etc/envoy/certs:ro',
      /volume certs is not declared/,
    ],
    [
      'a build target that is not a stage',
      'target: build }',
      'target: builder }',
      /build target builder is not a stage/,
    ],
  ])('is reported when it has %s', (_name, from, to, problem) => {
    expect(compose).toContain(from);
    expect(checkCompose(compose.replace(from, to), ROOT).join('\n')).toMatch(problem);
  });
});

describe('the Dockerfile', () => {
  it('is multi-stage, pinned, non-root, health-checked, and copies only what exists', () => {
    expect(checkDockerfile(dockerfile, ROOT)).toEqual([]);
  });

  it.each([
    [
      'a floating base image',
      'node:20.19.5-bookworm-slim',
      'node:latest',
      /FROM node:latest is not pinned/,
    ],
    ['a root final stage', 'USER node', 'USER root', /runs as root/],
    ['no health check', 'HEALTHCHECK ', '# HEALTHCHECK ', /no HEALTHCHECK/],
    [
      'a missing COPY source',
      'COPY scripts ./scripts',
      'COPY tools ./tools',
      /COPY tools: missing/,
    ],
  ])('is reported when it has %s', (_name, from, to, problem) => {
    expect(dockerfile).toContain(from);
    expect(checkDockerfile(dockerfile.replace(from, to), ROOT).join('\n')).toMatch(problem);
  });
});
