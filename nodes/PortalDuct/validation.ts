/**
 * Reading and checking node fields before anything is sent. Every error names the item, the
 * field and what was expected, so a user can fix the row that caused it.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A short, safe picture of a bad value for an error message. */
export function describeValue(value: unknown): string {
	if (value === undefined || value === null) return 'empty';
	if (typeof value === 'string') {
		if (value.trim() === '') return 'empty';
		return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
	}
	if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${value}`;
	if (Array.isArray(value)) return 'a list';
	return 'an object';
}

/**
 * "Item 250 (index 249): " before a message: the row as a person counts it (n8n's index starts at
 * 0, and expressions and the error's details use the index), so both. Nothing when the node runs
 * as an AI agent's tool (its type ends in "Tool"), where every call is one item and the prefix
 * would only puzzle the model.
 */
export function itemPrefix(ctx: IExecuteFunctions, itemIndex: number): string {
	return ctx.getNode().type.endsWith('Tool') ? '' : `Item ${itemIndex + 1} (index ${itemIndex}): `;
}

/** A field's value refused before sending: the item, the field, what it must be; `fix` says how. */
export function invalidField(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	expected: string,
	value: unknown,
	fix?: string,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`${itemPrefix(ctx, itemIndex)}"${label}" must be ${expected}, but it is ${describeValue(value)}`,
		{ itemIndex, description: `${fix ? `${fix} ` : ''}Nothing was sent to PortalDuct for this item.` },
	);
}

/**
 * Reads a UUID field (spaces around it ignored). Throws NodeOperationError naming the item and
 * field when it is not a UUID; `fixFor` may add to the error's description how to fix that value.
 */
export function readUuid(
	ctx: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	fixFor?: (value: unknown) => string | undefined,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const text = typeof value === 'string' ? value.trim() : value;
	if (typeof text !== 'string' || !UUID.test(text)) {
		throw invalidField(ctx, itemIndex, label, 'a UUID like 3f2b8c1e-7d4a-4e2b-9c1f-0a5d6e7f8a9b', value, fixFor?.(value));
	}
	// Sent and output as the caller wrote it: an upper-case id of their platform round-trips.
	return text;
}

export function readText(
	ctx: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	maxLength = 200,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.trim() === '' || text.trim().length > maxLength) {
		throw invalidField(ctx, itemIndex, label, `a text of 1 to ${maxLength} characters`, value);
	}
	return text.trim();
}

/** Optional fields of an "Additional Fields" collection: email and metadata. */
export function readContactExtras(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { email?: string; metadata?: IDataObject } {
	const extras = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const result: { email?: string; metadata?: IDataObject } = {};
	if (extras.email !== undefined && extras.email !== '') {
		const email = typeof extras.email === 'string' ? extras.email.trim() : extras.email;
		if (typeof email !== 'string' || !EMAIL.test(email)) {
			throw invalidField(ctx, itemIndex, 'Email', 'an email address like ap@client.com', extras.email);
		}
		result.email = email;
	}
	if (extras.metadata !== undefined && extras.metadata !== '') {
		let metadata = extras.metadata;
		if (typeof metadata === 'string') {
			try {
				metadata = JSON.parse(metadata) as unknown as IDataObject;
			} catch {
				throw invalidField(ctx, itemIndex, 'Metadata', 'a JSON object like {"crmId": "42"}', extras.metadata);
			}
		}
		if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
			throw invalidField(ctx, itemIndex, 'Metadata', 'a JSON object like {"crmId": "42"}', extras.metadata);
		}
		result.metadata = metadata as IDataObject;
	}
	return result;
}

export function readUrl(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const text = typeof value === 'string' ? value.trim() : '';
	let ok = false;
	try {
		ok = /^https?:$/.test(new URL(text).protocol);
	} catch {
		ok = false;
	}
	if (!ok) throw invalidField(ctx, itemIndex, label, 'an http(s) URL', value);
	return text;
}

export function readPositiveInteger(
	ctx: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): number {
	const value = ctx.getNodeParameter(name, itemIndex, 0) as unknown;
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
		throw invalidField(ctx, itemIndex, label, 'a whole number of 1 or more', value);
	}
	return n;
}
