/**
 * A session the node renews is handed to n8n to store (through the credential's preAuthentication),
 * also when many requests sharing the run's credential met the expired token together: the stored
 * token is then the new one, and PortalDuct accepts it from any process that reads it. And a token
 * refused whatever the renewal ends after the bounded number of renewals.
 */
import axios from 'axios';

import type { Sandbox } from '../tools/sandbox';
import { seedCustomerAndClient } from '../tools/sandbox/fixtures';
import { closeHarness, expireIssuedTokens, world, type World } from '../support/fixture';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);


/** PortalDuct's answer to a balance read with `token`, sent directly (not through n8n). */
async function statusWith(sandbox: Sandbox, clientUUID: string, token: string): Promise<number> {
	const answer = await axios.get(`${sandbox.url}/v1/getClientBalance/${clientUUID}`, {
		headers: { Authorization: `Bearer ${token}` },
		validateStatus: () => true,
	});
	return answer.status;
}

test.each([1, 10, 40])('after a token expires under concurrency %i, n8n stores the renewed session', async (concurrency) => {
	w = await world({ latencyMs: 10 });
	const { clientUUID } = seedCustomerAndClient(w.sandbox);
	const rows = Array.from({ length: 60 }, () => ({ clientUUID }));
	const action = { resource: 'client', operation: 'getBalance', clientUUID: '={{ $json.clientUUID }}', options: { concurrency } };
	expect((await w.act(action, { rows: rows.slice(0, 1) })).error).toBeUndefined();
	const first = String(w.storedCredential().accessToken);
	expect(await statusWith(w.sandbox, clientUUID, first)).toBe(200);

	expireIssuedTokens(w.sandbox);
	w.sandbox.control.resetStats();
	const run = await w.act(action, { rows });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')).toHaveLength(60);
	expect(w.sandbox.control.stats().refreshes + w.sandbox.control.stats().logins).toBe(1);

	const stored = String(w.storedCredential().accessToken);
	expect(stored).not.toBe(first);
	expect(await statusWith(w.sandbox, clientUUID, first)).toBe(401);
	expect(await statusWith(w.sandbox, clientUUID, stored)).toBe(200);
});

test('a token refused after every renewal: 5 renewals, then one clear error naming the refusal', async () => {
	w = await world();
	const { clientUUID } = seedCustomerAndClient(w.sandbox);
	const action = { resource: 'client', operation: 'getBalance', clientUUID };
	expect((await w.act(action)).error).toBeUndefined();
	w.sandbox.control.resetStats();
	w.sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 6, kind: 'status', status: 401 });
	const run = await w.act(action);
	expect(run.error?.message).toMatch(/^PortalDuct refused the token even after renewing the session/);
	const stats = w.sandbox.control.stats();
	expect(stats.refreshes + stats.logins).toBe(5);
	expect(stats.requests['GET /v1/getClientBalance/:clientUUID']).toBe(6);
});
