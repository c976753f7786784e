/**
 * Dialects: named sets of sandbox settings in which the sandbox answers and delivers the way a real
 * PortalDuct plausibly differs from docs/openapi.yaml (issue 19). Each is a plain settings patch, so a
 * test can also combine them, and `npm run sandbox -- --dialect <name>` lets a person try one.
 * `contract` is the default: every assumed fact as docs/openapi.yaml states it.
 */
import type { FieldStyle, SandboxSettings } from './types';

export const DIALECTS = {
	contract: {},
	'status-words': { deliveryStatusWords: { pending: 'in_progress', success: 'Active', failure: 'Error' } },
	'snake-case': { fieldStyle: 'snake_case' },
	'wrapped-data': { deliveryWrapper: 'data' },
	'wrapped-payload': { deliveryWrapper: 'payload' },
	'id-not-eventId': { deliveryEventId: 'id' },
	'no-event-id': { deliveryEventId: 'none' },
	'post-only-registration': { registrationGetDelete: 405 },
	'errors-array': { errorShape: 'errors-array' },
	'problem-json': { errorShape: 'problem' },
	'text-errors': { errorShape: 'text' },
	'html-errors': { errorShape: 'html' },
	'refusal-in-200': { errorShape: 'success-false', errorsInHttp200: true },
	'next-link': { invoicesContinuation: 'next' },
	'next-page': { invoicesContinuation: 'nextPage' },
	'links-next': { invoicesContinuation: 'links.next' },
	cursor: { invoicesContinuation: 'cursor' },
	'has-more': { invoicesContinuation: 'hasMore' },
	'jwt-no-lifetime': { tokenFormat: 'jwt', tokenLifetimeInAnswer: false },
} as const satisfies Record<string, Partial<SandboxSettings>>;

export type DialectName = keyof typeof DIALECTS;

/** The settings patch of a dialect; throws naming the known ones when `name` is not one. */
export function dialectSettings(name: string): Partial<SandboxSettings> {
	if (!(name in DIALECTS)) {
		throw new Error(`Unknown dialect '${name}'. Known: ${Object.keys(DIALECTS).join(', ')}`);
	}
	const patch = DIALECTS[name as DialectName] as Partial<SandboxSettings>;
	return JSON.parse(JSON.stringify(patch)) as Partial<SandboxSettings>;
}

const toSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * A JSON value with every object key written in `style` (camelCase keys as the contract has them;
 * snake_case turns `clientUUID` into `client_uuid`, `connection_uuid` stays). Values are kept.
 */
export function restyle(value: unknown, style: FieldStyle): unknown {
	if (style === 'camelCase') return value;
	if (Array.isArray(value)) return value.map((v) => restyle(v, style));
	if (typeof value !== 'object' || value === null) return value;
	return Object.fromEntries(Object.entries(value).map(([k, v]) => [toSnake(k), restyle(v, style)]));
}
