/** Field checks for request bodies: every 400 names the field that is wrong. */
import { badRequest } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Deliberately simple, like most APIs: something@something.tld, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME_MAX = 255;

export type Body = Record<string, unknown>;

export function requireObjectBody(body: unknown): Body {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		throw badRequest('Request body must be a JSON object');
	}
	return body as Body;
}

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** UUIDs are case-insensitive; like a database uuid column, the sandbox stores them lower case. */
export function requireUuid(body: Body, field: string): string {
	const value = body[field];
	if (value === undefined || value === null || value === '') throw badRequest(`'${field}' is required`);
	if (!isUuid(value)) {
		throw badRequest(`'${field}' must be a UUID (8-4-4-4-12 hexadecimal digits), got ${JSON.stringify(value)}`);
	}
	return value.toLowerCase();
}

export function requireString(body: Body, field: string, maxLength = NAME_MAX): string {
	const value = body[field];
	if (value === undefined || value === null) throw badRequest(`'${field}' is required`);
	if (typeof value !== 'string') throw badRequest(`'${field}' must be a string`);
	const trimmed = value.trim();
	if (trimmed === '') throw badRequest(`'${field}' must not be empty`);
	if (trimmed.length > maxLength) throw badRequest(`'${field}' must be at most ${maxLength} characters`);
	return trimmed;
}

/** Optional email: absent is fine; present must be a valid address (an empty string is not). */
export function optionalEmail(body: Body, field = 'email'): string | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (typeof value !== 'string' || !EMAIL.test(value.trim())) {
		throw badRequest(`'${field}' must be a valid email address, got ${JSON.stringify(value)}`);
	}
	return value.trim();
}

export function optionalMetadata(body: Body, field = 'metadata'): Record<string, unknown> | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw badRequest(`'${field}' must be a JSON object`);
	}
	return value as Record<string, unknown>;
}
