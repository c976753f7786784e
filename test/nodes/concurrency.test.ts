/**
 * Many items at once: bounded requests in flight, output in input order with pairedItem, errors
 * and the error output as with one at a time, one renewal for many, a refused login tried once,
 * one back-off for everyone after a 429, and deadlines for a PortalDuct that never answers.
 */
import type { IDataObject } from 'n8n-workflow';

import { seedCustomerAndClient } from '../tools/sandbox/fixtures';
import { closeHarness, expireIssuedTokens, world, type World } from '../support/fixture';
import { CREDENTIAL_ID, uuid } from '../support/workflows';
import { runLimits } from '../../nodes/PortalDuct/transport/run';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);

/** A world with one client that has a balance; `latencyMs` makes requests overlap. */
async function clientWorld(options: Parameters<typeof world>[0] = {}): Promise<{ world: World; clientUUID: string }> {
	const created = await world(options);
	const customerUUID = uuid();
	const clientUUID = uuid();
	await created.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	await created.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	return { world: created, clientUUID };
}

const balance = (options: IDataObject = {}) => ({
	resource: 'client',
	operation: 'getBalance',
	clientUUID: '={{ $json.clientUUID }}',
	options,
});


test('at concurrency 5: never more than 5 in flight, several at once, output in input order with pairedItem', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.updateSettings({ latencyMs: 30, maxInFlight: 5 });
	w.sandbox.control.resetStats();
	const rows = Array.from({ length: 40 }, (_, n) => ({ clientUUID: n % 3 === 1 ? uuid() : clientUUID, n }));
	const run = await w.act(balance({ concurrency: 5 }), { rows, continueOnFail: true });
	expect(run.error).toBeUndefined();
	const out = run.output('PortalDuct');
	expect(out.map((item) => item.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
	out.forEach((item, n) => {
		if (n % 3 === 1) expect(item.json.error).toMatch(/^PortalDuct has no client /);
		else expect(item.json.clientUUID).toBe(clientUUID);
	});
	const stats = w.sandbox.control.stats();
	expect(stats.concurrencyRejected).toBe(0);
	expect(stats.inFlightMax).toBeLessThanOrEqual(5);
	expect(stats.inFlightMax).toBeGreaterThan(1);
});

test('the default concurrency is bounded too, and Concurrency 1 sends one request at a time', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.updateSettings({ latencyMs: 20 });
	const rows = Array.from({ length: runLimits.defaultConcurrency + 30 }, () => ({ clientUUID }));
	w.sandbox.control.resetStats();
	expect((await w.act(balance(), { rows })).json('PortalDuct')).toHaveLength(rows.length);
	expect(w.sandbox.control.stats().inFlightMax).toBeLessThanOrEqual(runLimits.defaultConcurrency);
	w.sandbox.control.resetStats();
	expect((await w.act(balance({ concurrency: 1 }), { rows })).json('PortalDuct')).toHaveLength(rows.length);
	expect(w.sandbox.control.stats().inFlightMax).toBe(1);
});

test('error output at concurrency 8: the same split and pairing as one at a time', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.updateSettings({ latencyMs: 10 });
	const rows = Array.from({ length: 24 }, (_, n) => ({
		clientUUID: [clientUUID, uuid(), 'not-a-uuid'][n % 3],
	}));
	const split = async (concurrency: number) => {
		const run = await w!.act(balance({ concurrency }), { rows, onError: 'continueErrorOutput' });
		expect(run.error).toBeUndefined();
		const pairs = (outputIndex: number) =>
			run.output('PortalDuct', 0, outputIndex).map((item) => [
				(item.pairedItem as { item: number }).item,
				item.json.error ?? item.json.clientUUID,
				(item.json.details as IDataObject | undefined)?.httpCode,
			]);
		return { success: pairs(0), errors: pairs(1) };
	};
	const one = await split(1);
	const eight = await split(8);
	expect(eight).toEqual(one);
	expect(one.success).toHaveLength(8);
	expect(one.errors).toHaveLength(16);
});

test('without continue-on-fail, the run stops on the first failing item in input order', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.updateSettings({ latencyMs: 10 });
	const missing = [uuid(), uuid()];
	const rows = [clientUUID, clientUUID, missing[0], clientUUID, missing[1], clientUUID].map((id) => ({ clientUUID: id }));
	const run = await w.act(balance({ concurrency: 6 }), { rows });
	expect(run.error?.message).toMatch(new RegExp(`^PortalDuct has no client ${missing[0]}`));
});

test('every item is checked before the first request, at any concurrency', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.resetStats();
	const rows = [...Array.from({ length: 20 }, () => ({ clientUUID })), { clientUUID: 'oops' }];
	const run = await w.act(balance({ concurrency: 10 }), { rows });
	expect(run.error?.message).toMatch(/^Item 21 \(index 20\): "Client UUID" must be a UUID/);
	expect(w.sandbox.control.stats().requestsTotal).toBe(0);
});

test('an option out of range is refused before any request, naming the option', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.resetStats();
	const run = await w.act(balance({ concurrency: 0 }), { rows: [{ clientUUID }] });
	expect(run.error?.message).toBe(`Item 1 (index 0): "Options > Concurrency" must be a whole number from 1 to ${runLimits.maxConcurrency}, but it is the number 0`);
	expect(w.sandbox.control.stats().requestsTotal).toBe(0);
});

describe('one renewal for many', () => {
	test.each([false, true])('requests that meet an expired token together cause one refresh (singleSession %s)', async (singleSession) => {
		const { world: created, clientUUID } = await clientWorld();
		w = created;
		w.sandbox.control.updateSettings({ latencyMs: 20, singleSession });
		expireIssuedTokens(w.sandbox);
		w.sandbox.control.resetStats();
		const rows = Array.from({ length: 50 }, () => ({ clientUUID }));
		const run = await w.act(balance({ concurrency: 10 }), { rows });
		expect(run.error).toBeUndefined();
		expect(run.json('PortalDuct')).toHaveLength(50);
		const stats = w.sandbox.control.stats();
		expect({ logins: stats.logins, refreshes: stats.refreshes, refused: stats.refreshFailures }).toEqual({
			logins: 0,
			refreshes: 1,
			refused: 0,
		});
		// Only the requests in flight when the token expired met a 401; later ones used the new token.
		expect(stats.unauthorized).toBeLessThanOrEqual(10);
	});

	test('40 requests refused with the same expired token read the stored credential once together, not once each', async () => {
		const { world: created, clientUUID } = await clientWorld();
		w = created;
		w.sandbox.control.updateSettings({ latencyMs: 20 });
		expireIssuedTokens(w.sandbox);
		w.sandbox.control.resetStats();
		const reads = w.harness.credentialsHelper.reads;
		const rows = Array.from({ length: 80 }, () => ({ clientUUID }));
		const run = await w.act(balance({ concurrency: 40 }), { rows });
		expect(run.error).toBeUndefined();
		expect(run.json('PortalDuct')).toHaveLength(80);
		const stats = w.sandbox.control.stats();
		expect(stats.unauthorized).toBeGreaterThan(10);
		expect(stats.refreshes + stats.logins).toBe(1);
		// The run's own read, then one check of the stored session (read, short wait, read again)
		// shared by every request that met the refused token.
		expect(w.harness.credentialsHelper.reads - reads).toBeLessThanOrEqual(3);
	});

	test('a first run on a new credential at concurrency 10 logs in once', async () => {
		w = await world({ latencyMs: 20 });
		const { clientUUID } = seedCustomerAndClient(w.sandbox);
		const rows = Array.from({ length: 30 }, () => ({ clientUUID }));
		const run = await w.act(balance({ concurrency: 10 }), { rows });
		expect(run.error).toBeUndefined();
		expect(w.sandbox.control.stats()).toMatchObject({ logins: 1, refreshes: 0, loginFailures: 0 });
	});
});

test('a refused login is tried once for the whole run: every item fails with the same clear error', async () => {
	for (const concurrency of [1, 5]) {
		const { world: created, clientUUID } = await clientWorld();
		w = created;
		w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', {
			...w.storedCredential(),
			accessToken: '',
			refreshToken: '',
			password: 'wrong-password-1',
		});
		w.sandbox.control.resetStats();
		const rows = Array.from({ length: 20 }, () => ({ clientUUID }));
		const run = await w.act(balance({ concurrency }), { rows, continueOnFail: true });
		const out = run.json('PortalDuct');
		expect(out).toHaveLength(20);
		expect(new Set(out.map((item) => item.error))).toEqual(
			new Set([expect.stringMatching(/^PortalDuct refused the login for demo@portalduct\.test/)]),
		);
		expect(w.sandbox.control.stats().loginFailures).toBe(1);
		expect(w.sandbox.control.stats().requestsTotal).toBe(1);
		await w.close();
		w = undefined;
	}
});

test('a 429 holds back every request of the run until its Retry-After has passed', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.updateSettings({ latencyMs: 100 });
	w.sandbox.control.resetStats();
	w.sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 1, kind: 'status', status: 429, retryAfterSeconds: 3 });
	const rows = Array.from({ length: 20 }, () => ({ clientUUID }));
	const run = await w.act(balance({ concurrency: 5 }), { rows });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')).toHaveLength(20);
	const log = w.sandbox.control.log().filter((entry) => entry.path.startsWith('/v1/getClientBalance/'));
	const limited = log.find((entry) => entry.status === 429)!;
	const at = (entry: { at: string }) => Date.parse(entry.at);
	// Requests already on their way when the 429 was sent may land just after it; none may be SENT
	// while the back-off runs (the other lanes finish their 100 ms answers inside it).
	// (1 s of slack for those on a busy machine; the back-off runs 3 s.)
	const during = log.filter((entry) => at(entry) > at(limited) + 1000 && at(entry) < at(limited) + 2500);
	expect(during).toEqual([]);
	expect(log.filter((entry) => entry.status === 200)).toHaveLength(20);
});

test('a rate limit far below the concurrency (40 in flight, 8 requests/s): every item succeeds, one login', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.updateSettings({ rateLimitPerSecond: 8 });
	w.sandbox.control.resetStats();
	const rows = Array.from({ length: 40 }, () => ({ clientUUID }));
	const run = await w.act(balance({ concurrency: 40 }), { rows, onError: 'continueRegularOutput' });
	expect(run.error).toBeUndefined();
	const out = run.json('PortalDuct');
	expect(out.filter((item) => item.error !== undefined)).toEqual([]);
	expect(out.map((item) => item.clientUUID)).toEqual(rows.map((row) => row.clientUUID));
	const stats = w.sandbox.control.stats();
	// Most of the 40 met 429 more than 5 times in all: only 429s while nobody got through count.
	expect(stats.rateLimited).toBeGreaterThan(40);
	expect(stats.logins).toBe(0);
	expect(stats.requests['GET /v1/getClientBalance/:clientUUID'] ?? stats.requestsTotal).toBeGreaterThanOrEqual(40);
});

describe('a renewal PortalDuct cannot serve just now', () => {
	test.each([
		['a refresh answered 429 (Retry-After 1)', '/v1/refreshToken', 429],
		['a refresh answered 503', '/v1/refreshToken', 503],
	])('%s is waited out and tried again: every item succeeds', async (_label, path, status) => {
		const { world: created, clientUUID } = await clientWorld();
		w = created;
		w.sandbox.control.updateSettings({ latencyMs: 10 });
		expireIssuedTokens(w.sandbox);
		w.sandbox.control.injectFault({ path, count: 1, kind: 'status', status, ...(status === 429 ? { retryAfterSeconds: 1 } : {}) });
		w.sandbox.control.resetStats();
		const rows = Array.from({ length: 30 }, () => ({ clientUUID }));
		const run = await w.act(balance({ concurrency: 10 }), { rows, continueOnFail: true });
		expect(run.error).toBeUndefined();
		expect(run.json('PortalDuct').filter((item) => item.error !== undefined)).toEqual([]);
		const renewals = w.sandbox.control.log().filter((entry) => entry.path === path).map((entry) => entry.status);
		expect(renewals).toEqual([status, 200]);
		// The refresh token was kept for the second try: no login needed.
		expect(w.sandbox.control.stats().logins).toBe(0);
	});

	test('a login answered 503, then 429 with Retry-After 3: the Retry-After is waited, then one login serves every item', async () => {
		const { world: created, clientUUID } = await clientWorld();
		w = created;
		w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), accessToken: '', refreshToken: '', password: w.sandbox.login.password });
		w.sandbox.control.revokeTokens();
		w.sandbox.control.injectFault({ path: '/v1/login', count: 1, kind: 'status', status: 503 });
		w.sandbox.control.injectFault({ path: '/v1/login', count: 1, kind: 'status', status: 429, retryAfterSeconds: 3 });
		w.sandbox.control.resetStats();
		const rows = Array.from({ length: 20 }, () => ({ clientUUID }));
		const run = await w.act(balance({ concurrency: 10 }), { rows, continueOnFail: true });
		expect(run.json('PortalDuct').filter((item) => item.error !== undefined)).toEqual([]);
		const logins = w.sandbox.control.log().filter((entry) => entry.path === '/v1/login');
		expect(logins.map((entry) => entry.status)).toEqual([503, 429, 200]);
		// PortalDuct's Retry-After, not the 1 s fallback (a lower bound: a busy machine only adds).
		expect(Date.parse(logins[2].at) - Date.parse(logins[1].at)).toBeGreaterThanOrEqual(2900);
	});
});

test('a PortalDuct that answers 429 to everything ends the run: the first item fails after 5 rounds, the rest unsent', async () => {
	const { world: created, clientUUID } = await clientWorld();
	w = created;
	w.sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 1000, kind: 'status', status: 429, retryAfterSeconds: 0 });
	w.sandbox.control.resetStats();
	const rows = Array.from({ length: 40 }, () => ({ clientUUID }));
	const run = await w.act(balance({ concurrency: 4 }), { rows, continueOnFail: true });
	const out = run.json('PortalDuct');
	expect(out).toHaveLength(40);
	expect(new Set(out.map((item) => item.error))).toEqual(new Set([expect.stringMatching(/^PortalDuct is rate limiting requests \(after 5 tries\)/)]));
	expect(out[0].errorDescription).toMatch(/Lower Options > Concurrency/);
	// At most the 4 lanes' 5 tries each reached PortalDuct; the other items were never sent.
	expect(w.sandbox.control.stats().rateLimited).toBeLessThanOrEqual(20);
});

describe('deadlines', () => {
	test('a read that never gets an answer times out after the Timeout option and is tried again', async () => {
		const { world: created, clientUUID } = await clientWorld();
		w = created;
		w.sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 1, kind: 'hang' });
		w.sandbox.control.resetStats();
		const run = await w.act(balance({ timeout: 1000 }), { rows: [{ clientUUID }] });
		expect(run.error).toBeUndefined();
		expect(run.json('PortalDuct')[0].clientUUID).toBe(clientUUID);
		// The hung try, then an answered one (a busy machine may time out a retry too: still bounded).
		const tries = w.sandbox.control.log().map((entry) => entry.fault ?? entry.status);
		expect(tries[0]).toBe('hang');
		expect(tries[tries.length - 1]).toBe(200);
		expect(tries.length).toBeLessThanOrEqual(4);
	});

	test('a PortalDuct that stops answering fails the run with a worded timeout, and the other items are not sent', async () => {
		const { world: created, clientUUID } = await clientWorld();
		w = created;
		w.sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 1000, kind: 'hang' });
		w.sandbox.control.resetStats();
		const rows = Array.from({ length: 10 }, () => ({ clientUUID }));
		const run = await w.act(balance({ timeout: 1000, concurrency: 2 }), { rows, continueOnFail: true });
		const out = run.json('PortalDuct');
		expect(out).toHaveLength(10);
		for (const item of out) expect(item.error).toMatch(/^PortalDuct could not be reached for GET .*: the request timed out/);
		// Two lanes, four tries each at most; the eight other items were never sent.
		expect(w.sandbox.control.log().length).toBeLessThanOrEqual(8);
	});

	test('a login that never answers fails the run after the login deadline, one attempt for all items', async () => {
		const { world: created, clientUUID } = await clientWorld();
		w = created;
		// A credential that never had a session (a new identity: nothing kept in the process either).
		w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', {
			...w.storedCredential(),
			accessToken: '',
			refreshToken: '',
			password: 'other-identity',
		});
		w.sandbox.control.injectFault({ path: '/v1/login', count: 10, kind: 'hang' });
		w.sandbox.control.resetStats();
		const rows = Array.from({ length: 5 }, () => ({ clientUUID }));
		const run = await w.act(balance(), { rows, continueOnFail: true });
		const out = run.json('PortalDuct');
		expect(out).toHaveLength(5);
		for (const item of out) expect(item.error).toMatch(/^PortalDuct login for demo@portalduct\.test failed: .*timed out/);
		expect(w.sandbox.control.log().map((entry) => entry.path)).toEqual(['/v1/login']);
	});
});

test('the Options defaults the editor shows are the ones the node runs with', async () => {
	const { runOptionsField } = await import('../../nodes/PortalDuct/run-options');
	const defaults = Object.fromEntries((runOptionsField.options as unknown as IDataObject[]).map((o) => [o.name, o.default]));
	expect(defaults).toEqual({ concurrency: runLimits.defaultConcurrency, timeout: runLimits.defaultTimeoutMs });
});

test('a write that stops on an error writes nothing after the failing row, at any concurrency', async () => {
	const { world: created } = await clientWorld();
	w = created;
	w.sandbox.control.updateSettings({ latencyMs: 30 });
	const existing = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID: existing, name: 'Already there' });
	const rows = Array.from({ length: 10 }, (_, n) => ({ id: n === 2 ? existing : uuid() }));
	const before = w.sandbox.state.customers.size;
	const run = await w.act(
		{ resource: 'customer', operation: 'create', customerUUID: '={{ $json.id }}', name: 'Row', options: { concurrency: 10 } },
		{ rows },
	);
	expect(run.error?.message).toMatch(/already exists in PortalDuct/);
	// Rows 0 and 1 were created before row 2 failed; nothing after it was sent.
	expect(w.sandbox.state.customers.size - before).toBe(2);
	expect(w.sandbox.control.stats().inFlightMax).toBe(1);
});
