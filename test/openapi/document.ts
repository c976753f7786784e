/**
 * docs/openapi.yaml for tests: loading it, finding the response it gives for a status, and checking
 * real requests, answers and webhook deliveries against it with Ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1). Every check returns a list of problems (empty = conforms), so a failing
 * test says what differs, where.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

export type Json = any;

export const DOCUMENT_PATH = path.resolve(__dirname, '../../docs/openapi.yaml');
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function loadDocument(): Json {
	return parse(fs.readFileSync(DOCUMENT_PATH, 'utf8'));
}

/** "POST /v1/login": an operation of the document, by method and path template. */
export type OperationKey = string;

export interface Operation {
	key: OperationKey;
	method: string;
	path: string;
	/** JSON pointer of the operation object, e.g. "/paths/~1v1~1login/post". */
	pointer: string;
	operation: Json;
}

export interface Answer {
	status: number;
	headers: Record<string, unknown>;
	/** Parsed JSON body, or '' / undefined when there was none. */
	data: unknown;
}

const escapePointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~');
const mediaType = (contentType: unknown) => String(contentType ?? '').split(';')[0].trim().toLowerCase();
const DOC_ID = 'urn:portalduct:openapi';

/** Vendor extensions (x-...) anywhere in the document, so Ajv's strict mode knows them as annotations. */
function extensionKeys(node: Json, found = new Set<string>()): Set<string> {
	if (Array.isArray(node)) node.forEach((child) => extensionKeys(child, found));
	else if (node && typeof node === 'object') {
		for (const [key, value] of Object.entries(node)) {
			if (key.startsWith('x-')) found.add(key);
			extensionKeys(value, found);
		}
	}
	return found;
}

export class OpenApiDocument {
	readonly doc: Json;
	private readonly ajv: Ajv2020;
	private readonly compiled = new Map<string, ValidateFunction>();

	constructor(doc: Json = loadDocument()) {
		this.doc = doc;
		this.ajv = new Ajv2020({ allErrors: true, strict: true });
		addFormats(this.ajv);
		// The OpenAPI 3.1 base dialect adds these to JSON Schema 2020-12 (annotations here); the
		// document's own top-level fields are declared too, as Ajv compiles the root it resolves from.
		this.ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs', ...Object.keys(doc), ...extensionKeys(doc)]);
		// The whole document under one id: `#/components/...` refs resolve inside it, and each schema
		// is compiled from its place in the document (a JSON pointer), never copied.
		this.ajv.addSchema(structuredClone(doc), DOC_ID);
	}

	operations(): Operation[] {
		const list: Operation[] = [];
		for (const [p, item] of Object.entries<Json>(this.doc.paths ?? {})) {
			for (const method of METHODS) {
				if (!item[method]) continue;
				list.push({
					key: `${method.toUpperCase()} ${p}`,
					method: method.toUpperCase(),
					path: p,
					pointer: `/paths/${escapePointer(p)}/${method}`,
					operation: item[method],
				});
			}
		}
		return list;
	}

	webhook(name: string, method = 'post'): Operation {
		const operation = this.doc.webhooks?.[name]?.[method];
		if (!operation) throw new Error(`The document has no webhook ${name} ${method}`);
		return { key: `webhook ${name}`, method: method.toUpperCase(), path: name, pointer: `/webhooks/${escapePointer(name)}/${method}`, operation };
	}

	operation(key: OperationKey): Operation {
		const found = this.operations().find((op) => op.key === key);
		if (!found) throw new Error(`The document has no operation ${key}`);
		return found;
	}

	/** The value at a JSON pointer ("/components/schemas/Error"). */
	at(pointer: string): Json {
		let node = this.doc;
		for (const part of pointer.split('/').slice(1)) {
			node = node?.[unescapePointer(part)];
		}
		if (node === undefined) throw new Error(`Nothing at #${pointer} in the document`);
		return node;
	}

	/** Follows a `$ref` (local refs only, as the document uses), returning the target and its pointer. */
	deref(node: Json, pointer: string): { node: Json; pointer: string } {
		let current = { node, pointer };
		for (let hops = 0; current.node && typeof current.node.$ref === 'string'; hops++) {
			if (hops > 10 || !current.node.$ref.startsWith('#/')) throw new Error(`Unsupported $ref ${current.node.$ref}`);
			const target = current.node.$ref.slice(1);
			current = { node: this.at(target), pointer: target };
		}
		return current;
	}

	/** Validates a value against the schema at a pointer; returns Ajv's errors as text. */
	validate(schemaPointer: string, value: unknown): string[] {
		let check = this.compiled.get(schemaPointer);
		if (!check) {
			check = this.ajv.getSchema(`${DOC_ID}#${schemaPointer}`);
			if (!check) throw new Error(`No schema at #${schemaPointer}`);
			this.compiled.set(schemaPointer, check);
		}
		if (check(value)) return [];
		return (check.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
	}

	/** The response object the document gives for a status: exact code, then NXX range, then default. */
	response(op: Operation, status: number): { key: string; response: Json; pointer: string } | undefined {
		const responses = op.operation.responses ?? {};
		for (const key of [String(status), `${Math.floor(status / 100)}XX`, 'default']) {
			if (responses[key] !== undefined) {
				const { node, pointer } = this.deref(responses[key], `${op.pointer}/responses/${escapePointer(key)}`);
				return { key, response: node, pointer };
			}
		}
		return undefined;
	}

	/** Whether the operation needs a Bearer token (its own `security`, else the document's). */
	needsBearer(op: Operation): boolean {
		const security: Json[] = op.operation.security ?? this.doc.security ?? [];
		return security.some((requirement) => Object.keys(requirement).includes('bearerAuth'));
	}

	/** Problems of a real answer: status documented, media type, body against the schema, headers. */
	checkAnswer(op: Operation, answer: Answer): string[] {
		const found = this.response(op, answer.status);
		if (!found) return [`${op.key}: status ${answer.status} is not documented`];
		const where = `${op.key} ${answer.status} (document: responses.${found.key})`;
		const problems: string[] = [];
		const content = found.response.content as Json | undefined;
		const empty = answer.data === undefined || answer.data === '';
		if (!content) {
			if (!empty) problems.push(`${where}: the document gives no body, the answer has ${JSON.stringify(answer.data)}`);
		} else {
			const type = mediaType(answer.headers['content-type']);
			if (!content[type]) {
				problems.push(`${where}: content type "${type}" is not documented (${Object.keys(content).join(', ')})`);
			} else {
				const schemaPointer = `${found.pointer}/content/${escapePointer(type)}/schema`;
				problems.push(...this.validate(schemaPointer, answer.data).map((p) => `${where}: body ${p}`));
				problems.push(...this.undocumentedFields(schemaPointer, answer.data).map((p) => `${where}: ${p}`));
			}
		}
		for (const [name, header] of Object.entries<Json>(found.response.headers ?? {})) {
			const { node, pointer } = this.deref(header, `${found.pointer}/headers/${escapePointer(name)}`);
			problems.push(...this.checkHeader(name, node, pointer, answer.headers).map((p) => `${where}: ${p}`));
		}
		return problems;
	}

	/** Problems of a request as sent: query and header parameters, and the JSON body. */
	checkRequest(op: Operation, request: { query?: Record<string, unknown>; headers?: Record<string, unknown>; body?: unknown }): string[] {
		const problems: string[] = [];
		const params: Json[] = op.operation.parameters ?? [];
		for (let i = 0; i < params.length; i++) {
			const { node: param, pointer } = this.deref(params[i], `${op.pointer}/parameters/${i}`);
			if (param.in === 'query') {
				const value = request.query?.[param.name];
				if (value === undefined) {
					if (param.required) problems.push(`query parameter ${param.name} is required`);
					continue;
				}
				const coerced = this.coerce(param.schema, String(value));
				problems.push(...this.validate(`${pointer}/schema`, coerced).map((p) => `query ${param.name}: ${p}`));
			} else if (param.in === 'header') {
				problems.push(...this.checkHeader(param.name, param, pointer, request.headers ?? {}));
			}
		}
		for (const name of Object.keys(request.query ?? {})) {
			if (!params.some((p) => this.deref(p, '').node.in === 'query' && this.deref(p, '').node.name === name)) {
				problems.push(`query parameter ${name} is not documented`);
			}
		}
		const requestBody = op.operation.requestBody
			? this.deref(op.operation.requestBody, `${op.pointer}/requestBody`)
			: undefined;
		if (!requestBody) {
			if (request.body !== undefined) problems.push('the document gives this operation no request body');
		} else if (request.body === undefined) {
			if (requestBody.node.required) problems.push('the request body is required');
		} else {
			const type = mediaType(request.headers?.['content-type'] ?? 'application/json');
			if (!requestBody.node.content?.[type]) problems.push(`request content type "${type}" is not documented`);
			else {
				const schemaPointer = `${requestBody.pointer}/content/${escapePointer(type)}/schema`;
				problems.push(...this.validate(schemaPointer, request.body).map((p) => `request body ${p}`));
			}
		}
		return problems;
	}

	/** A header value (always text on the wire) against its schema, numbers read as numbers. */
	private checkHeader(name: string, header: Json, pointer: string, headers: Record<string, unknown>): string[] {
		const raw = headers[name.toLowerCase()] ?? headers[name];
		if (raw === undefined) return header.required ? [`header ${name} is required but absent`] : [];
		return this.validate(`${pointer}/schema`, this.coerce(header.schema, String(raw))).map((p) => `header ${name}: ${p}`);
	}

	private coerce(schema: Json, text: string): unknown {
		const type = this.deref(schema, '').node?.type;
		if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
		return text;
	}

	/**
	 * Fields of an answer that the document does not name, wherever a schema lists `properties`
	 * (free-form objects such as `metadata` are left alone). The document keeps objects open for a
	 * real PortalDuct that adds fields; this catches the sandbox drifting from the document.
	 */
	undocumentedFields(schemaPointer: string, value: unknown, at = ''): string[] {
		const { node: schema, pointer } = this.deref(this.at(schemaPointer), schemaPointer);
		for (const keyword of ['oneOf', 'anyOf'] as const) {
			if (Array.isArray(schema[keyword])) {
				const index = schema[keyword].findIndex((_: Json, i: number) => this.validate(`${pointer}/${keyword}/${i}`, value).length === 0);
				return index < 0 ? [] : this.undocumentedFields(`${pointer}/${keyword}/${index}`, value, at);
			}
		}
		if (Array.isArray(value) && schema.items) {
			return value.flatMap((item, i) => this.undocumentedFields(`${pointer}/items`, item, `${at}/${i}`));
		}
		if (value && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
			const problems: string[] = [];
			for (const [key, child] of Object.entries(value)) {
				if (schema.properties[key] === undefined) {
					if (schema.additionalProperties === undefined || schema.additionalProperties === true) {
						problems.push(`field ${at}/${key} is not in the document`);
					}
					continue;
				}
				problems.push(...this.undocumentedFields(`${pointer}/properties/${escapePointer(key)}`, child, `${at}/${key}`));
			}
			return problems;
		}
		return [];
	}

	/** The x-portalduct-variants of each property of an object schema: { token: ['accessToken', ...] }. */
	variants(schemaPointer: string): Record<string, string[]> {
		const { node: schema } = this.deref(this.at(schemaPointer), schemaPointer);
		const found: Record<string, string[]> = {};
		for (const [name, property] of Object.entries<Json>(schema.properties ?? {})) {
			if (Array.isArray(property['x-portalduct-variants'])) found[name] = property['x-portalduct-variants'];
		}
		return found;
	}

	/**
	 * An answer that uses the variant names the document lists, rewritten to the primary names
	 * (a variant name's value moves to the primary name; a `data` wrapper emptied that way goes).
	 */
	toPrimaryNames(schemaPointer: string, body: Json): Json {
		if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
		const out: Json = structuredClone(body);
		for (const [primary, names] of Object.entries(this.variants(schemaPointer))) {
			if (out[primary] !== undefined) continue;
			for (const name of names) {
				const value = getPath(out, name);
				if (value === undefined) continue;
				out[primary] = value;
				deletePath(out, name);
				break;
			}
		}
		if (out.data && typeof out.data === 'object' && !Array.isArray(out.data) && Object.keys(out.data).length === 0) delete out.data;
		return out;
	}
}

/** `a.b` paths, as x-portalduct-variants writes them. */
export function getPath(value: Json, dotted: string): unknown {
	return dotted.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), value);
}

export function setPath(value: Json, dotted: string, leaf: unknown): Json {
	const parts = dotted.split('.');
	let node = value;
	for (const part of parts.slice(0, -1)) node = node[part] ??= {};
	node[parts[parts.length - 1]] = leaf;
	return value;
}

function deletePath(value: Json, dotted: string): void {
	const parts = dotted.split('.');
	const parent = parts.length > 1 ? getPath(value, parts.slice(0, -1).join('.')) : value;
	if (parent && typeof parent === 'object') delete (parent as Json)[parts[parts.length - 1]];
}
