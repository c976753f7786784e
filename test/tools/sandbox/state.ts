import type { SandboxSettings, SandboxState, SandboxStats } from './types';

/** The request log is capped so a long-running `npm run sandbox` does not grow without bound. */
export const LOG_LIMIT = 20000;

export function emptyCounters(): SandboxStats {
	return {
		logins: 0,
		loginFailures: 0,
		refreshes: 0,
		refreshFailures: 0,
		requestsTotal: 0,
		requests: {},
		unauthorized: 0,
		foreignTokens: 0,
		rateLimited: 0,
		concurrencyRejected: 0,
		inFlight: 0,
		inFlightMax: 0,
		deliveries: { attempts: 0, succeeded: 0, failed: 0, retried: 0 },
		registrations: { created: 0, replaced: 0, deleted: 0 },
	};
}

export function createState(settings: SandboxSettings, email: string, password: string): SandboxState {
	return {
		settings,
		account: { email, password },
		customers: new Map(),
		clients: new Map(),
		connections: new Map(),
		invoices: new Map(),
		registration: null,
		tokens: { access: new Map(), refresh: new Map(), rejectNext: false, issued: [], known: new Set() },
		counters: emptyCounters(),
		log: [],
		faults: [],
		rateWindow: [],
		events: [],
	};
}

export function statsSnapshot(counters: SandboxStats): SandboxStats {
	return {
		...counters,
		requests: { ...counters.requests },
		deliveries: { ...counters.deliveries },
		registrations: { ...counters.registrations },
	};
}

export const nowIso = () => new Date().toISOString();
