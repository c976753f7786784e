import { badRequest } from './errors';
import { MAX_PAGE_SIZE } from './invoices';
import type { SandboxSettings } from './types';

export const DEFAULT_SETTINGS: Readonly<SandboxSettings> = Object.freeze({
	tokenLifetimeSeconds: 900,
	latencyMs: 0,
	connectionDecisionDelayMs: 300,
	deliveryTimeoutMs: 5000,
	deliveryRetryDelaysMs: [250, 1000, 3000, 10000],
	allowAnyWebhookHost: false,
	invoicesOnSuccess: 5,
	tokenResponseStyle: 'token',
	invoicesResponseStyle: 'paged',
	refreshRefused: false,
	invoicesIgnorePage: false,
	invoicesMaxPageSize: 100,
	invoicesReportPageSize: true,
	invoicesReportTotal: true,
	refreshEndpoint: true,
	rateLimitPerSecond: 0,
	maxInFlight: 0,
	singleSession: false,
	deliveryStatusWords: {},
	fieldStyle: 'camelCase',
	deliveryWrapper: 'none',
	deliveryEventId: 'eventId',
	registrationGetDelete: 0,
	errorShape: 'contract',
	errorsInHttp200: false,
	invoicesContinuation: 'none',
	tokenFormat: 'opaque',
	tokenLifetimeInAnswer: true,
});

const oneOf = (...values: unknown[]): [(v: unknown) => boolean, string] => [
	(v) => values.includes(v),
	`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
];
const isStatusWords = (v: unknown) =>
	typeof v === 'object' &&
	v !== null &&
	!Array.isArray(v) &&
	Object.entries(v).every(([k, w]) => ['pending', 'success', 'failure'].includes(k) && typeof w === 'string' && w !== '');

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonNegative = (v: unknown) => isNumber(v) && v >= 0;
const isBoolean: [(v: unknown) => boolean, string] = [(v) => typeof v === 'boolean', 'a boolean'];
const countOrOff: [(v: unknown) => boolean, string] = [
	(v) => Number.isInteger(v) && (v as number) >= 0,
	'an integer >= 0 (0 = off)',
];

/** One check per setting; the message says what is expected. */
const CHECKS: { [K in keyof SandboxSettings]: [(v: unknown) => boolean, string] } = {
	tokenLifetimeSeconds: [(v) => isNumber(v) && v > 0, 'a number of seconds > 0 (fractions allowed)'],
	latencyMs: [nonNegative, 'a number of milliseconds >= 0'],
	connectionDecisionDelayMs: [nonNegative, 'a number of milliseconds >= 0'],
	deliveryTimeoutMs: [(v) => isNumber(v) && v > 0, 'a number of milliseconds > 0'],
	deliveryRetryDelaysMs: [
		(v) => Array.isArray(v) && v.every(nonNegative),
		'an array of numbers of milliseconds >= 0 (one per retry)',
	],
	allowAnyWebhookHost: isBoolean,
	invoicesOnSuccess: [(v) => Number.isInteger(v) && (v as number) >= 0, 'an integer >= 0'],
	tokenResponseStyle: [
		(v) => v === 'token' || v === 'accessToken' || v === 'access_token' || v === 'data',
		"one of 'token', 'accessToken', 'access_token', 'data'",
	],
	invoicesResponseStyle: [(v) => v === 'paged' || v === 'array', "'paged' or 'array'"],
	refreshRefused: isBoolean,
	invoicesIgnorePage: isBoolean,
	// The contract's maximum stays the limit of what a client may ask for; this caps what is served.
	invoicesMaxPageSize: [
		(v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_PAGE_SIZE,
		`an integer from 1 to ${MAX_PAGE_SIZE}`,
	],
	invoicesReportPageSize: isBoolean,
	invoicesReportTotal: isBoolean,
	refreshEndpoint: isBoolean,
	rateLimitPerSecond: countOrOff,
	maxInFlight: countOrOff,
	singleSession: isBoolean,
	deliveryStatusWords: [isStatusWords, 'an object of pending / success / failure -> a non-empty word'],
	fieldStyle: oneOf('camelCase', 'snake_case'),
	deliveryWrapper: oneOf('none', 'data', 'payload'),
	deliveryEventId: oneOf('eventId', 'id', 'none'),
	registrationGetDelete: oneOf(0, 404, 405, 501),
	errorShape: oneOf('contract', 'errors-array', 'problem', 'success-false', 'text', 'html'),
	errorsInHttp200: isBoolean,
	invoicesContinuation: oneOf('none', 'next', 'nextPage', 'links.next', 'cursor', 'hasMore'),
	tokenFormat: oneOf('opaque', 'jwt'),
	tokenLifetimeInAnswer: isBoolean,
};

/** Validates a partial settings object; unknown keys are refused so typos do not pass silently. */
export function validateSettingsPatch(patch: unknown): Partial<SandboxSettings> {
	if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
		throw badRequest('Settings must be a JSON object');
	}
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(patch)) {
		if (value === undefined) continue;
		const check = (CHECKS as Record<string, [(v: unknown) => boolean, string]>)[key];
		if (!check) {
			throw badRequest(`Unknown setting '${key}'. Known: ${Object.keys(CHECKS).join(', ')}`);
		}
		if (!check[0](value)) throw badRequest(`Setting '${key}' must be ${check[1]}`);
		out[key] = Array.isArray(value) ? [...value] : typeof value === 'object' && value !== null ? { ...value } : value;
	}
	return out as Partial<SandboxSettings>;
}

export function settingsSnapshot(settings: SandboxSettings): SandboxSettings {
	return {
		...settings,
		deliveryRetryDelaysMs: [...settings.deliveryRetryDelaysMs],
		deliveryStatusWords: { ...settings.deliveryStatusWords },
	};
}
