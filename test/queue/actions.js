'use strict';
// The action node in queue mode: runs started over REST on main execute on the workers; four at
// once across both workers with a 1 s token fail no item, and the token is renewed at most once
// per expiry in each worker process (with and without "one session per account").
const assert = require('node:assert/strict');
const { request, requestOk } = require('../e2e/lib/http');
const { sleep } = require('../e2e/lib/proc');
const { runBy } = require('./lib/cluster');

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);
const RUN_TIMEOUT_MS = 180_000;

/** Seeds the sandbox with the workflow's clients through the public API (one login). */
async function seedClients(sandbox, clients) {
	const { token } = await requestOk('POST', `${sandbox.url}/v1/login`, { body: sandbox.login });
	const headers = { authorization: `Bearer ${token}` };
	const customerUUID = '7e57c0de-0000-4000-8000-c0570e000001';
	const post = async (path, body) => {
		const r = await request('POST', `${sandbox.url}${path}`, { body, headers });
		if (![201, 409].includes(r.status)) throw new Error(`${path} -> ${r.status} ${r.text}`);
	};
	await post('/v1/addNewCustomer', { customerUUID, name: 'Queue-mode customer' });
	for (let i = 0; i < clients.length; i += 10) {
		await Promise.all(clients.slice(i, i + 10).map((clientUUID, j) => post('/v1/addNewCustomerClient', { customerUUID, clientUUID, name: `Queue client ${i + j + 1}` })));
	}
}

/** Starts a run from the manual trigger as the editor does (POST /rest/workflows/:id/run); returns its execution id. */
async function startRun(main, workflowId) {
	const started = await main.rest('POST', `/rest/workflows/${workflowId}/run`, { triggerToStartFrom: { name: 'Start' } });
	const id = started?.data?.executionId;
	if (!id) throw new Error(`run of ${workflowId} started no execution: ${JSON.stringify(started).slice(0, 300)}`);
	return String(id);
}

/** Waits (bounded) until the execution is finished; returns it decoded. */
async function finish(main, executionId) {
	const deadline = Date.now() + RUN_TIMEOUT_MS;
	let interval = 200;
	for (;;) {
		const { data } = await main.rest('GET', `/rest/executions/${executionId}`);
		if (FINISHED.has(data?.status)) return await main.execution(executionId);
		if (!main.server?.isAlive()) throw new Error(`main exited during execution ${executionId}`);
		if (Date.now() > deadline) throw new Error(`execution ${executionId} not finished after ${RUN_TIMEOUT_MS} ms (status ${data?.status})`);
		await sleep(interval);
		interval = Math.min(1_000, interval * 2);
	}
}

/** {status, items, failed: [messages]} of a finished run of the balance workflow. */
function outcome(execution) {
	const runs = execution.data?.resultData?.runData?.PortalDuct;
	const items = (runs?.[0]?.data?.main?.[0] ?? []).map((i) => i.json);
	const failed = items.filter((j) => j.error !== undefined).map((j) => String(j.error));
	const error = execution.data?.resultData?.error;
	return { status: execution.status, items, failed, error: error ? `${error.node?.name ?? '?'}: ${error.message}` : undefined };
}

function assertAllBalances(run, clients, label) {
	assert.equal(run.status, 'success', `${label}: status ${run.status}${run.error ? ` (${run.error})` : ''}`);
	assert.deepEqual(run.failed.slice(0, 3), [], `${label}: ${run.failed.length} of ${run.items.length} items failed`);
	assert.deepEqual(
		run.items.map((j) => j.clientUUID),
		clients,
		`${label}: not one balance per client, in order`,
	);
}

/** The time between the first and the last /v1 request in the sandbox's log, in ms. */
function requestWindowMs(log) {
	const times = log.filter((e) => String(e.path).startsWith('/v1/')).map((e) => Date.parse(e.at));
	return times.length ? Math.max(...times) - Math.min(...times) : 0;
}

/**
 * Four runs at once; checks every item and both workers; returns the renewal counts and bound:
 * each worker process may renew once per token lifetime that passed while it sent requests,
 * plus its first login: renewals <= workers x (1 + ceil(window / lifetime)).
 */
async function fourAtOnce(ctx, { lifetimeSeconds }) {
	const { main, sandbox, workers, workflows } = ctx;
	const workflow = workflows.balance;
	const ids = await Promise.all([1, 2, 3, 4].map(() => startRun(main, workflow.id)));
	const runs = (await Promise.all(ids.map((id) => finish(main, id)))).map(outcome);
	const stats = await sandbox.client.stats();
	const log = await sandbox.client.call('GET', '/_sandbox/log');
	const by = runBy(workers);
	const ranOn = ids.map((id) => by[id]);
	const windowMs = requestWindowMs(log);
	const expiries = Math.ceil(windowMs / (lifetimeSeconds * 1000));
	const bound = workers.length * (1 + expiries);
	const renewals = stats.logins + stats.refreshes;
	const failed = runs.reduce((sum, r) => sum + r.failed.length, 0);
	const perWorker = workers.map((w) => `${w.name} ran ${ranOn.filter((n) => n === w.name).length}`).join(', ');
	const summary =
		`${runs.reduce((sum, r) => sum + r.items.length, 0)} items, ${failed} failed; ${perWorker}; ${(windowMs / 1000).toFixed(1)} s of requests, ` +
		`${lifetimeSeconds} s token: ${stats.logins} logins + ${stats.refreshes} refreshes = ${renewals} renewals ` +
		`(${stats.refreshFailures} refused refreshes, ${stats.unauthorized} 401s), bound ${workers.length} workers x (1 + ${expiries} expiries) = ${bound}`;
	// Printed before the assertions: the counts are the point, pass or fail.
	console.log(`     [queue] ${summary}`);
	runs.forEach((run, i) => assertAllBalances(run, workflow.clients, `run ${i + 1} (execution ${ids[i]})`));
	assert.ok(ranOn.every(Boolean), `executions not started by any worker: ${ids.filter((id) => !by[id]).join(', ')}`);
	assert.equal(new Set(ranOn).size, workers.length, `the 4 runs ran on ${[...new Set(ranOn)].join(', ')} only`);
	assert.ok(renewals <= bound, `${renewals} renewals > ${bound}: ${summary}`);
	assert.ok(renewals >= 1, 'no renewal at all: the token never expired during the runs');
	return { stats, windowMs, bound, renewals };
}

module.exports = {
	async run(ctx, t) {
		const { main, workers, sandbox, workflows } = ctx;
		const workflow = workflows.balance;
		const n = workflow.clients.length;

		const seeded = await t.check(`the sandbox has the ${n} clients the workflow reads`, () => seedClients(sandbox, workflow.clients).then(() => true));
		if (!seeded) return;

		await t.check(`1. a ${n}-item run started over REST on main executes on a worker: ${n} balances, 0 failed`, async () => {
			const id = await startRun(main, workflow.id);
			const run = outcome(await finish(main, id));
			assertAllBalances(run, workflow.clients, `execution ${id}`);
			const by = runBy(workers);
			assert.ok(by[id], `no worker logged "Worker started execution ${id}"; main log:\n${main.logTail(10)}`);
			console.log(`     [queue] execution ${id} ran on ${by[id]}`);
		});

		const settings = (patch) => sandbox.client.call('PATCH', '/_sandbox/settings', patch);
		const reset = () => sandbox.client.call('POST', '/_sandbox/stats/reset');
		// Latency keeps each run going over 2 token lifetimes and more (10 rounds of 5 requests, 250 ms each).
		await settings({ tokenLifetimeSeconds: 1, latencyMs: 250 });
		try {
			await reset();
			await t.check(`2. four ${n}-item runs at once across both workers with a 1 s token: 0 failed items, renewals <= one per expiry per worker`, () =>
				fourAtOnce(ctx, { lifetimeSeconds: 1 }),
			);
			await settings({ singleSession: true });
			await reset();
			await t.check('2. the same with "one session per account" (singleSession: a renewal ends every other token)', () =>
				fourAtOnce(ctx, { lifetimeSeconds: 1 }),
			);
		} finally {
			await settings({ tokenLifetimeSeconds: 900, latencyMs: 0, singleSession: false });
		}
	},
	startRun,
	finish,
};
