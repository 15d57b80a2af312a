import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A tag that names a version (`7.4.1-alpine`, `v1.32.3`) or a digest; never `latest`. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest' && /\d+\.\d+/.test(tag);
}

interface ComposeService {
  image?: string;
  build?: string | { context?: string; target?: string; dockerfile?: string };
  volumes?: Array<string | { type?: string; source?: string }>;
}

/**
 * Problems with a compose file: an image not pinned to a version, a bind-mounted file or a
 * build context missing from `root`, a named volume not declared, a build target that is not a
 * stage of the Dockerfile.
 */
export function checkCompose(text: string, root: string): string[] {
  const compose = parse(text, { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes?: Record<string, unknown>;
  };
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    if (service.image === undefined && service.build === undefined)
      problems.push(`${name}: no image or build`);
    if (
      service.image !== undefined &&
      service.build === undefined &&
      !isPinnedImage(service.image)
    ) {
      problems.push(`${name}: image ${service.image} is not pinned to a version`);
    }
    if (service.build !== undefined) problems.push(...checkBuild(name, service.build, root));
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
      if (source.startsWith('.') || source.startsWith('/')) {
        if (!existsSync(join(root, source)))
          problems.push(`${name}: mounted ${source} does not exist`);
      } else if (!(source in (compose.volumes ?? {}))) {
        problems.push(`${name}: volume ${source} is not declared`);
      }
    }
  }
  return problems;
}

function checkBuild(
  name: string,
  build: NonNullable<ComposeService['build']>,
  root: string,
): string[] {
  const spec = typeof build === 'string' ? { context: build } : build;
  const dockerfile = join(root, spec.context ?? '.', spec.dockerfile ?? 'Dockerfile');
  if (!existsSync(dockerfile)) return [`${name}: ${dockerfile} does not exist`];
  if (spec.target === undefined) return [];
  const stages = dockerfileStages(readFileSync(dockerfile, 'utf8')).map((stage) => stage.name);
  return stages.includes(spec.target)
    ? []
    : [`${name}: build target ${spec.target} is not a stage`];
}

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly lines: string[];
}

/** Each FROM with its image (ARG defaults substituted) and the instructions that follow it. */
export function dockerfileStages(text: string): Stage[] {
  const args = new Map<string, string>();
  const stages: Array<{ image: string; name: string | undefined; lines: string[] }> = [];
  for (const line of text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
    if (arg !== null && stages.length === 0) args.set(arg[1]!, arg[2]!);
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from !== null) {
      const image = from[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? '');
      stages.push({ image, name: from[2], lines: [] });
    } else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

/**
 * Problems with a Dockerfile: fewer than two stages, a base image not pinned to a version, a
 * final stage running as root or without HEALTHCHECK, a COPY source missing from `root`.
 */
export function checkDockerfile(text: string, root: string): string[] {
  const stages = dockerfileStages(text);
  const problems: string[] = [];
  if (stages.length < 2) problems.push('not a multi-stage build');
  const names = new Set(stages.map((stage) => stage.name));
  for (const stage of stages) {
    if (!names.has(stage.image) && !isPinnedImage(stage.image))
      problems.push(`FROM ${stage.image} is not pinned to a version`);
    for (const line of stage.lines) {
      const copy = /^COPY\s+(?!--from)(.+)$/.exec(line);
      if (copy === null) continue;
      const sources = copy[1]!
        .split(/\s+/)
        .filter((part) => !part.startsWith('--'))
        .slice(0, -1);
      for (const source of sources)
        if (!existsSync(join(root, source))) problems.push(`COPY ${source}: missing`);
    }
  }
  const final = stages.at(-1)?.lines ?? [];
  const user = final
    .filter((line) => line.startsWith('USER '))
    .at(-1)
    ?.slice(5)
    .trim();
  if (user === undefined || user === 'root' || user === '0')
    problems.push('the final stage runs as root');
  if (!final.some((line) => line.startsWith('HEALTHCHECK ')))
    problems.push('no HEALTHCHECK in the final stage');
  return problems;
}
