/** The 'hang' fault (never answered, for client deadlines) and keep-alive like a real API server. */
import axios, { AxiosError, AxiosInstance } from 'axios';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { seedCustomerAndClient } from './fixtures';
import { LogEntry, Sandbox, SandboxStats, startSandbox } from './index';
import { loggedInApi } from './logged-in-api';
import { KEEP_ALIVE_TIMEOUT_MS } from './server';

let sandbox: Sandbox;
let api: AxiosInstance;
let auth: { Authorization: string };

beforeEach(async () => {
	sandbox = await startSandbox();
	({ api, auth } = await loggedInApi(sandbox));
});

afterEach(() => sandbox.close());

/** Asks GET /_sandbox/log until an entry matches: each try is a round trip, no timer. */
async function logEntryWhen(predicate: (entry: LogEntry) => boolean, tries = 5000): Promise<LogEntry> {
	for (let i = 0; i < tries; i++) {
		const found = ((await api.get('/_sandbox/log')).data as LogEntry[]).find(predicate);
		if (found) return found;
	}
	throw new Error('the expected log entry never appeared');
}

/** Rejects if `promise` has not settled within ms: a deadline, not a wait. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([promise, deadline]);
	} finally {
		clearTimeout(timer);
	}
}

const failure = (promise: Promise<unknown>) =>
	promise.then(
		() => {
			throw new Error('expected the request to fail');
		},
		(error: AxiosError) => error,
	);

describe("fault kind 'hang'", () => {
	it('reads the request and never answers: a client deadline fires', async () => {
		sandbox.control.injectFault({ method: 'POST', path: '/v1/addNewCustomer', count: 1, kind: 'hang' });
		const customerUUID = randomUUID();
		const error = await failure(api.post('/v1/addNewCustomer', { customerUUID, name: 'Acme' }, { headers: auth, timeout: 300 }));
		expect(error.code).toBe('ECONNABORTED');
		const entry = await logEntryWhen((e) => e.fault === 'hang');
		expect(entry).toMatchObject({ method: 'POST', path: '/v1/addNewCustomer', status: null, fault: 'hang', token: 'valid' });
		// The handler never ran; the fault is used up, so the next try is answered.
		expect(sandbox.state.customers.has(customerUUID)).toBe(false);
		expect((await api.post('/v1/addNewCustomer', { customerUUID, name: 'Acme' }, { headers: auth })).status).toBe(201);
		expect(sandbox.control.faults()).toEqual([]);
	});

	it('is not in flight while it hangs, so it never fills maxInFlight', async () => {
		sandbox.control.updateSettings({ maxInFlight: 1 });
		sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 1, kind: 'hang' });
		const hanging = failure(api.get(`/v1/getClientBalance/${randomUUID()}`, { headers: auth }));
		await logEntryWhen((e) => e.fault === 'hang');
		const stats = (await api.get('/_sandbox/stats')).data as SandboxStats;
		expect(stats).toMatchObject({ inFlight: 0, inFlightMax: 1, concurrencyRejected: 0 });
		expect((await api.get(`/v1/getClientBalance/${randomUUID()}`, { headers: auth })).status).toBe(404);
		// close() ends the hanging request.
		await sandbox.close();
		const error = await hanging;
		expect(error.code ?? error.message).toMatch(/ECONNRESET|socket hang up/);
	});

	it('is accepted over HTTP and applies to /collector too', async () => {
		const created = await api.post('/_sandbox/faults', { path: '/collector', count: 1, kind: 'hang' });
		expect(created.status).toBe(201);
		expect(created.data).toMatchObject({ kind: 'hang', remaining: 1 });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const error = await failure(api.get(`/collector?clientUUID=${clientUUID}`, { timeout: 300 }));
		expect(error.code).toBe('ECONNABORTED');
		expect(sandbox.control.faults()).toEqual([]);
		expect((await api.get(`/collector?clientUUID=${clientUUID}`)).status).toBe(200);
	});
});

describe('keep-alive', () => {
	it(`keeps idle connections ${KEEP_ALIVE_TIMEOUT_MS / 1000} s, so a Node client reuses them`, async () => {
		expect(KEEP_ALIVE_TIMEOUT_MS).toBe(65000);
		const agent = new http.Agent({ keepAlive: true });
		try {
			const client = axios.create({ baseURL: sandbox.url, httpAgent: agent, validateStatus: () => true });
			const first = await client.post('/v1/login', sandbox.login);
			expect(first.headers.connection).toBe('keep-alive');
			expect(first.headers['keep-alive']).toBe('timeout=65');
			const second = await client.post('/v1/login', sandbox.login);
			expect(second.request.reusedSocket).toBe(true);
			expect(second.request.socket).toBe(first.request.socket);
		} finally {
			agent.destroy();
		}
	});

	it('close() still ends at once, with an idle keep-alive socket and a hanging request open', async () => {
		const agent = new http.Agent({ keepAlive: true });
		try {
			const client = axios.create({ baseURL: sandbox.url, httpAgent: agent, validateStatus: () => true });
			const idle = (await client.post('/v1/login', sandbox.login)).request.socket as Socket;
			const idleClosed = once(idle, 'close');
			sandbox.control.injectFault({ path: '/v1/login', count: 1, kind: 'hang' });
			const hanging = failure(api.post('/v1/login', sandbox.login));
			await logEntryWhen((e) => e.fault === 'hang');
			// Well under the keep-alive time: close() does not wait for idle sockets to time out.
			await within(5000, sandbox.close());
			const error = await within(5000, hanging);
			expect(error.code ?? error.message).toMatch(/ECONNRESET|socket hang up/);
			await within(5000, idleClosed);
		} finally {
			agent.destroy();
		}
	});
});
