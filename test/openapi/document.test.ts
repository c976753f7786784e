/**
 * docs/openapi.yaml itself: a valid OpenAPI 3.1 document (checked by @readme/openapi-parser against
 * the official 3.1 schema plus its own rules), every part marked doc or assumed, and the same names
 * as nodes/PortalDuct/api/, the one place the package keeps PortalDuct's paths and fields.
 */
import { compileErrors, validate } from '@readme/openapi-parser';

import {
	clientFields,
	connectionStatuses,
	customerFields,
	invoicePaging,
	paths,
	readErrorBody,
	readInvoicePage,
	readTokenSet,
	recordFields,
} from '../../nodes/PortalDuct/api';
import { DIALECTS } from '../tools/sandbox/dialects';
import { type Json, OpenApiDocument, loadDocument, setPath } from './document';

const document = new OpenApiDocument();
const doc = document.doc;
const SOURCES = ['doc', 'assumed'];

describe('docs/openapi.yaml is a valid OpenAPI 3.1 document', () => {
	it('passes the validator', async () => {
		const result = await validate(loadDocument());
		if (!result.valid) throw new Error(compileErrors(result));
		expect(result.warnings).toEqual([]);
		expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
	});

	it('the validator does reject a broken copy (so the check above means something)', async () => {
		const broken = loadDocument();
		broken.paths['/v1/login'].post.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' };
		delete broken.info.title;
		expect((await validate(broken)).valid).toBe(false);
	});

	it('every response, request and webhook schema compiles as JSON Schema 2020-12 (Ajv, strict mode)', () => {
		for (const name of Object.keys(doc.components.schemas)) {
			expect(() => document.validate(`/components/schemas/${name}`, null)).not.toThrow();
		}
	});
});

/** Every node that must say where it comes from, with a readable place. */
function markedNodes(): Array<[string, Json]> {
	const nodes: Array<[string, Json]> = [];
	const ops = [...document.operations(), document.webhook('clientPortalLoginChange')];
	for (const op of ops) {
		nodes.push([op.key, op.operation]);
		(op.operation.parameters ?? []).forEach((p: Json) => nodes.push([`${op.key} parameter ${p.name}`, p]));
		if (op.operation.requestBody) nodes.push([`${op.key} requestBody`, op.operation.requestBody]);
		for (const [status, response] of Object.entries<Json>(op.operation.responses)) {
			if (!response.$ref) nodes.push([`${op.key} response ${status}`, response]);
		}
	}
	for (const [name, response] of Object.entries<Json>(doc.components.responses)) nodes.push([`response ${name}`, response]);
	for (const [name, header] of Object.entries<Json>(doc.components.headers)) nodes.push([`header ${name}`, header]);
	for (const [name, scheme] of Object.entries<Json>(doc.components.securitySchemes)) nodes.push([`security ${name}`, scheme]);
	for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) {
		nodes.push([`schema ${name}`, schema]);
		for (const [property, child] of Object.entries<Json>(schema.properties ?? {})) nodes.push([`schema ${name}.${property}`, child]);
	}
	return nodes;
}

describe('every part is marked x-portalduct-source: doc or assumed', () => {
	it.each(markedNodes())('%s', (_place, node) => {
		expect(SOURCES).toContain(node['x-portalduct-source']);
	});

	it('every operation the guide names carries its guide name', () => {
		const named = document.operations().filter((op) => op.operation['x-portalduct-guide-name']);
		expect(named.map((op) => op.key).sort()).toEqual(
			[
				'POST /v1/login',
				'POST /v1/refreshToken',
				'POST /v1/addNewCustomer',
				'POST /v1/addNewCustomerClient',
				'POST /v1/clientsPortalLoginChanges',
				'GET /v1/getClientInvoices/{connection_uuid}',
				'GET /v1/getClientBalance/{clientUUID}',
			].sort(),
		);
	});

	it('every error status the contract lists answers {error, message}, and 429 carries Retry-After', () => {
		for (const op of document.operations()) {
			for (const status of [401, 403, 422, 429, 500, 503]) {
				const found = document.response(op, status);
				expect([op.key, status, found?.response.content?.['application/json']?.schema]).toEqual([
					op.key,
					status,
					{ $ref: '#/components/schemas/Error' },
				]);
			}
			expect(document.response(op, 429)!.response.headers?.['Retry-After']).toBeDefined();
		}
	});
});

/** A path template with its parameter names blanked: `/v1/getClientInvoices/{}`. */
const shape = (template: string) => template.replace(/\{[^}]*\}/g, '{}');

/** An api/paths.ts path as a blanked template: parameterised paths are functions, called with a marker. */
function templateOf(value: string | ((id: string) => string)): string {
	const MARK = 'PARAMETER-MARK';
	return shape(typeof value === 'function' ? value(MARK).split(MARK).join('{}') : value);
}

describe('the document and nodes/PortalDuct/api/ name the same things', () => {
	const documented = Object.keys(doc.paths).map(shape);

	it.each(Object.entries(paths))('paths.%s is in the document', (_name, value) => {
		expect(documented).toContain(templateOf(value));
	});

	it('and every path of the document is one the package calls', () => {
		const called = new Set(Object.values(paths).map(templateOf));
		expect([...documented].sort()).toEqual([...called].sort());
	});

	it('invoice paging: the query parameter names and the page size maximum', () => {
		const params = document.operation('GET /v1/getClientInvoices/{connection_uuid}').operation.parameters as Json[];
		const query = (name: string) => params.find((p) => p.in === 'query' && p.name === name);
		expect(query(invoicePaging.page)?.schema).toMatchObject({ type: 'integer', minimum: 1 });
		expect(query(invoicePaging.pageSize)?.schema).toMatchObject({ type: 'integer', maximum: invoicePaging.maxPageSize });
		expect(doc.components.schemas.InvoicePage.properties.pageSize.maximum).toBe(invoicePaging.maxPageSize);
	});

	it('create bodies: the id fields and the record fields the package sends', () => {
		const { NewCustomer, NewClient } = doc.components.schemas;
		expect(NewCustomer.required).toEqual(expect.arrayContaining([customerFields.id, recordFields.name]));
		expect(NewClient.required).toEqual(expect.arrayContaining([clientFields.id, clientFields.customerId, recordFields.name]));
		for (const schema of [NewCustomer, NewClient]) {
			for (const field of Object.values(recordFields)) expect(Object.keys(schema.properties)).toContain(field);
		}
		// The ids are [doc] in api/paths.ts (caller-chosen UUIDs), the rest [assumed].
		expect(NewCustomer.properties[customerFields.id]['x-portalduct-source']).toBe('doc');
		expect(NewClient.properties[clientFields.id]['x-portalduct-source']).toBe('doc');
		for (const field of Object.values(recordFields)) expect(NewClient.properties[field]['x-portalduct-source']).toBe('assumed');
	});

	it('the webhook statuses are the package connectionStatuses', () => {
		expect(doc.components.schemas.PortalLoginChangeEvent.properties.status.enum).toEqual([...connectionStatuses]);
	});

	it('only login goes without a Bearer token (the contract: every call except login sends one)', () => {
		const open = document.operations().filter((op) => !document.needsBearer(op)).map((op) => op.key);
		expect(open).toEqual(['POST /v1/login']);
	});
});

describe('every variant name the document lists is one the package reads', () => {
	const tokenVariants = document.variants('/components/schemas/TokenSet');

	it.each(tokenVariants.token)('token as %s', (name) => {
		expect(readTokenSet(setPath({}, name, 'tok'))).toMatchObject({ token: 'tok' });
	});

	it.each(tokenVariants.refreshToken)('refreshToken as %s', (name) => {
		expect(readTokenSet(setPath({ token: 'tok' }, name, 'ref'))).toMatchObject({ refreshToken: 'ref' });
	});

	it.each(tokenVariants.expiresIn)('expiresIn as %s', (name) => {
		expect(readTokenSet(setPath({ token: 'tok' }, name, 60))).toMatchObject({ expiresIn: 60 });
	});

	const pageVariants = document.variants('/components/schemas/InvoicePage');

	it.each(['data', ...pageVariants.data])('the invoice list as %s', (name) => {
		expect(readInvoicePage(setPath({}, name, [{ invoiceId: 'a' }]))).toMatchObject({ invoices: [{ invoiceId: 'a' }] });
	});

	it.each(['total', ...pageVariants.total])('the invoice total as %s', (name) => {
		expect(readInvoicePage(setPath({ data: [] }, name, 7))).toMatchObject({ total: 7 });
	});

	it('a plain array of invoices (the second shape the document gives) is one complete page', () => {
		const schema = document.operation('GET /v1/getClientInvoices/{connection_uuid}').operation.responses['200'].content[
			'application/json'
		].schema;
		expect(schema.oneOf[1].type).toBe('array');
		expect(readInvoicePage([{ invoiceId: 'a' }])).toEqual({ invoices: [{ invoiceId: 'a' }], complete: true });
	});

	const errorVariants = document.variants('/components/schemas/Error');

	it.each(['error', ...errorVariants.error])('the error code as %s', (name) => {
		expect(readErrorBody(setPath({}, name, 'some_code')).code).toBe('some_code');
	});

	it.each(['message', ...errorVariants.message])('the error message as %s', (name) => {
		expect(readErrorBody(setPath({}, name, 'Some text')).message).toBe('Some text');
	});

	// Registration variants (`id`, `data.*`) are read by nodes/PortalDuct/transport/registration.ts,
	// whose reader is not exported; the node tests exercise it through the Webhook actions.
});

describe('x-portalduct-accepted-variants: every other shape the package accepts, one per sandbox dialect', () => {
	/** Every x-portalduct-accepted-variants entry in the document, with the schema it sits on. */
	const entries: { at: string; entry: Json }[] = [];
	for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) {
		for (const entry of schema['x-portalduct-accepted-variants'] ?? []) entries.push({ at: name, entry });
	}

	it('each entry names a sandbox dialect (or setting), its shape and what the package does with it', () => {
		expect(entries.length).toBeGreaterThan(0);
		for (const { entry } of entries) {
			expect(Object.keys(DIALECTS).includes(entry.dialect) || entry.setting === 'tokenResponseStyle').toBe(true);
			expect(typeof entry.shape).toBe('string');
			expect(typeof entry.package).toBe('string');
		}
	});

	it('every dialect of the sandbox but the contract is listed', () => {
		const listed = new Set(entries.map(({ entry }) => entry.dialect));
		expect(Object.keys(DIALECTS).filter((name) => name !== 'contract' && !listed.has(name))).toEqual([]);
	});
});
