/**
 * The output schemas n8n's editor shows before a node has run (`__schema__/v1.0.0/...` beside each
 * built node), checked against what the PortalDuct node and Trigger really output against the
 * sandbox: every operation has one where n8n looks, every item fits it, every field an item has is
 * named in it, and every field it names shows up in some item.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { IDataObject } from 'n8n-workflow';

import { resources } from '../../nodes/PortalDuct/actions';
import { closeHarness, world, type World } from '../support/fixture';
import { actionSamples, triggerSamples, type Samples } from '../support/output-samples';
import { builtNodeDir, closed, namedPaths, presentPaths, servedSchemaPath, sourceOf, type JsonSchema } from '../support/schema-checks';

/** Both nodes are typeVersion 1: n8n looks in `__schema__/v1.0.0/`. */
const VERSION = 1;
const actionDir = builtNodeDir('PortalDuct.node.js');
const triggerDir = builtNodeDir('PortalDuctTrigger.node.js');
const operations = resources.flatMap((r) => r.actions.map((a) => `${a.resource}/${a.operation.value as string}`));

/** Fields a schema may name that the sandbox never returns (none today: every named field must come). */
const notReturnedYet: Record<string, string[]> = {};

// Strict: an unknown keyword or a typo in a schema fails. Union types (`["string", "null"]`) are JSON
// Schema; so is a `required` inside `anyOf` naming fields of the outer `properties` (Get Balance's two
// shapes), which strictRequired refuses; a misspelt required name still fails every item's check.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
addFormats(ajv);

function schemaAt(file: string | undefined): JsonSchema {
	if (!file) throw new Error('no schema file where n8n looks');
	return JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
}

/** Fails with each item's errors when an item does not fit, naming the operation. */
function expectFits(name: string, schema: JsonSchema, items: IDataObject[]): void {
	const validate = ajv.compile(schema);
	const misfits = items.flatMap((item, index) => (validate(item) ? [] : [`${name} item ${index}: ${ajv.errorsText(validate.errors)} ${JSON.stringify(validate.errors?.map((e) => e.params))}`]));
	expect(misfits).toEqual([]);
}

function expectEveryNamedFieldReturned(name: string, schema: JsonSchema, items: IDataObject[]): void {
	const present = new Set(items.flatMap((item) => presentPaths(item)));
	const allowed = new Set(notReturnedYet[name] ?? []);
	expect(namedPaths(schema).filter((field) => !present.has(field) && !allowed.has(field))).toEqual([]);
}

describe('where n8n looks', () => {
	test.each(operations)('%s has a schema at n8n\'s path in the build, the same as its source', (operation) => {
		const [resource, name] = operation.split('/');
		const built = servedSchemaPath(actionDir, VERSION, resource, name);
		expect(built).toBe(path.join(actionDir, '__schema__', 'v1.0.0', resource, `${name}.json`));
		expect(readFileSync(built!, 'utf8')).toBe(readFileSync(sourceOf(built!), 'utf8'));
	});

	test('the PortalDuct node has no schema for an operation it does not have', () => {
		const base = path.join(actionDir, '__schema__', 'v1.0.0');
		const files = readdirSync(base, { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile())
			.map((entry) => path.relative(base, path.join(entry.parentPath, entry.name)).replace(/\.json$/, ''));
		expect(files.sort()).toEqual([...operations].sort());
	});

	test('the trigger\'s item schema is output.json, which n8n reads for a node without resource and operation', () => {
		const file = path.join(triggerDir, '__schema__', 'v1.0.0', 'output.json');
		expect(servedSchemaPath(triggerDir, VERSION, 'output')).toBe(file);
		expect(readFileSync(file, 'utf8')).toBe(readFileSync(sourceOf(file), 'utf8'));
	});

	test.each([...operations.map((o) => [o, servedSchemaPath(actionDir, VERSION, ...o.split('/'))]), ['trigger', servedSchemaPath(triggerDir, VERSION, 'output')]])(
		'%s: an object schema with fields, as the editor requires, and valid JSON Schema',
		(_name, file) => {
			const schema = schemaAt(file);
			expect(schema.type).toBe('object');
			expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
			expect(() => ajv.compile(schema)).not.toThrow();
		},
	);
});

describe('against what the sandbox returns', () => {
	let w: World;
	let samples: Samples;
	let triggerItems: IDataObject[];
	beforeAll(async () => {
		w = await world({ connectionDecisionDelayMs: 50, deliveryRetryDelaysMs: [50, 100, 200] });
		samples = await actionSamples(w);
		triggerItems = await triggerSamples(w);
	});
	afterAll(async () => {
		await w?.close();
		await closeHarness();
	});

	test('every operation of the node was run', () => {
		expect([...samples.keys()].sort()).toEqual([...operations].sort());
	});

	test.each(operations)('%s: every item fits, names only fields of the schema, and every field the schema names is returned', (operation) => {
		const [resource, name] = operation.split('/');
		const schema = schemaAt(servedSchemaPath(actionDir, VERSION, resource, name));
		const items = samples.get(operation) ?? [];
		expect(items.length).toBeGreaterThan(0);
		expectFits(operation, schema, items);
		expectFits(`${operation} (fields not named)`, closed(schema), items);
		expectEveryNamedFieldReturned(operation, schema, items);
	});

	test('the trigger: every item of a delivery fits, names only fields of the schema, and every field it names is returned', () => {
		const schema = schemaAt(servedSchemaPath(triggerDir, VERSION, 'output'));
		expect(triggerItems.map((item) => item.status).sort()).toEqual(['failure', 'other', 'pending', 'pending', 'success']);
		expectFits('trigger', schema, triggerItems);
		expectFits('trigger (fields not named)', closed(schema), triggerItems);
		expectEveryNamedFieldReturned('trigger', schema, triggerItems);
	});
});
