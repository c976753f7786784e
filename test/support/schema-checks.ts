/**
 * Reading the output schemas (`__schema__/`) the way n8n does, and comparing them with real items:
 * where n8n looks for a node's schema, the paths of the fields a schema names, the paths of the
 * fields items have, and a closed copy of a schema that refuses fields it does not name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { resolveOutputSchemaPath } from 'n8n-core';

export const REPO = path.resolve(__dirname, '../..');

/** A JSON schema as far as these checks read it. */
export interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	items?: JsonSchema;
	additionalProperties?: boolean;
	[keyword: string]: unknown;
}

/**
 * The folder n8n takes a node's schemas from: beside the node's built file, named by package.json's
 * `n8n.nodes` (n8n's loader keeps that file as the node's sourcePath and looks in its folder).
 */
export function builtNodeDir(nodeFile: string): string {
	const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	const entry = manifest.n8n.nodes.find((file) => path.basename(file) === nodeFile);
	if (!entry) throw new Error(`package.json's n8n.nodes names no ${nodeFile}`);
	return path.dirname(path.join(REPO, entry));
}

/**
 * Where n8n 2.x serves an operation's schema from: the REST route the editor calls,
 * `GET /schemas/<node type>/<version>/<resource>/<operation>.json`, resolves it with n8n-core's
 * `resolveOutputSchemaPath` and no version fallback. Undefined when the file is not there.
 */
export function servedSchemaPath(nodeDir: string, version: number, resource?: string, operation?: string): string | undefined {
	return resolveOutputSchemaPath({ nodeDir, version, resource, operation });
}

/** The file a schema is built from: the same path under the repository's `nodes/`. */
export function sourceOf(builtPath: string): string {
	return path.join(REPO, path.relative(path.join(REPO, 'dist'), builtPath));
}

/** A copy that refuses any field its objects do not name (objects without `properties` stay open). */
export function closed(schema: JsonSchema): JsonSchema {
	const copy: JsonSchema = { ...schema };
	if (schema.properties) {
		copy.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, sub]) => [name, closed(sub)]));
		copy.additionalProperties = false;
	}
	if (schema.items) copy.items = closed(schema.items);
	return copy;
}

/** Every field path a schema names: `byPortal`, `byPortal[].portalName`, ... */
export function namedPaths(schema: JsonSchema, prefix = ''): string[] {
	const paths: string[] = [];
	for (const [name, sub] of Object.entries(schema.properties ?? {})) {
		const at = `${prefix}${name}`;
		paths.push(at, ...namedPaths(sub, `${at}.`));
		if (sub.items) paths.push(...namedPaths(sub.items, `${at}[].`));
	}
	return paths;
}

/** Every field path a value has, in the same notation as `namedPaths`. */
export function presentPaths(value: unknown, prefix = ''): string[] {
	if (Array.isArray(value)) return value.flatMap((entry) => presentPaths(entry, `${prefix.slice(0, -1)}[].`));
	if (typeof value !== 'object' || value === null) return [];
	return Object.entries(value).flatMap(([name, sub]) => [`${prefix}${name}`, ...presentPaths(sub, `${prefix}${name}.`)]);
}
