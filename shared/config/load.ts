import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { BladeframeError } from '../errors.js';

/** Exit status of a program given a bad configuration. */
export const CONFIG_EXIT_CODE = 2;

/** Formats zod issues as one `path: message` line each, as the CLIs print them. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

/** Reads and parses a YAML file; an empty file is an empty object. */
export function readYamlFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BladeframeError('BF_CONFIG_UNREADABLE', `${path}: ${(error as Error).message}`, [
      `${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    ]);
  }
  return parseYamlText(text, path);
}

export function parseYamlText(text: string, source = '(text)'): unknown {
  try {
    return parseYaml(text, { prettyErrors: true }) ?? {};
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new BladeframeError('BF_CONFIG_SYNTAX', `${source}: ${message}`, [
      `${source}: ${message}`,
    ]);
  }
}

/**
 * Applies environment overrides. `mapping` names, per variable, the dotted path it sets; values
 * are parsed as YAML scalars so `true`, `15` and `[a, b]` keep their types.
 */
export function applyEnvOverrides(
  raw: unknown,
  env: NodeJS.ProcessEnv,
  mapping: Record<string, string>,
): Record<string, unknown> {
  const result: Record<string, unknown> =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? structuredClone(raw as Record<string, unknown>)
      : {};
  for (const [variable, path] of Object.entries(mapping)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    setPath(result, path.split('.'), parseScalar(value));
  }
  return result;
}

function parseScalar(value: string): unknown {
  try {
    const parsed: unknown = parseYaml(value);
    return parsed ?? value;
  } catch {
    return value;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Validates with a schema; on failure throws BF_CONFIG_INVALID listing every problem. */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  source = 'configuration',
): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues);
  throw new BladeframeError('BF_CONFIG_INVALID', `${source} (${lines.length} problem(s))`, lines);
}

/** Reads a YAML file (or nothing), applies the environment, validates. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  options: { file?: string; env?: NodeJS.ProcessEnv; envMapping?: Record<string, string> },
): z.output<S> {
  const raw = options.file ? readYamlFile(options.file) : {};
  const merged = applyEnvOverrides(raw, options.env ?? process.env, options.envMapping ?? {});
  return validateConfig(schema, merged, options.file ?? 'configuration');
}
