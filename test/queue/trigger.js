'use strict';
// The PortalDuct Trigger in queue mode: main activates it (registering the webhook process's URL),
// webhook processes take the deliveries and workers run the executions.
//   examples/status-alerts.json: a client's good and wrong portal passwords; a burst of distinct
//   events plus their redeliveries through one webhook process.
//   examples/status-events-exactly-once.json: a second webhook process with another WEBHOOK_URL
//   accepts deliveries; each event delivered to both webhook processes reaches "Handle each event
//   once" once (Remove Duplicates, n8n's database-backed history, shared by every process).
const assert = require('node:assert/strict');
const { sleep, waitFor } = require('../e2e/lib/proc');
const { deliver, portalLoginChange } = require('../e2e/lib/deliveries');
const { runBy } = require('./lib/cluster');
const { TRIGGER } = require('./lib/workflows');

const BURST = 10;
const TWICE = 5; // events delivered once to each webhook process
const STATUSES = ['pending', 'success', 'failure'];

/** Activates over REST as the editor does; main runs the trigger's checkExists/create. */
async function activate(main, id) {
	const { data } = await main.rest('GET', `/rest/workflows/${id}`);
	return await main.rest('POST', `/rest/workflows/${id}/activate`, { versionId: data.versionId });
}


/** The registered URL with another process's origin: same path, webhookId and token. */
const atProcess = (registeredUrl, processUrl) => {
	const u = new URL(registeredUrl);
	return `${processUrl}${u.pathname}${u.search}`;
};

const itemsOf = (runData, name) => (runData?.[name]?.[0]?.data?.main?.[0] ?? []).map((i) => i.json);

/**
 * Every execution of a workflow with its status and run data, once at least `atLeast` exist and
 * none is still running. Polls the (small) list; the run data is read once at the end.
 */
async function settled(main, workflowId, atLeast, timeoutMs = 90_000) {
	const done = await waitFor(
		async () => {
			const all = await main.executions(workflowId);
			const running = all.some((e) => !e.stoppedAt && !['success', 'error', 'crashed', 'canceled'].includes(e.status));
			return all.length >= atLeast && !running ? all : undefined;
		},
		{ timeoutMs, intervalMs: 500 },
	);
	if (!done) return undefined;
	const runs = [];
	for (const summary of done) {
		const ex = await main.execution(summary.id);
		runs.push({ id: String(summary.id), status: ex.status, runData: ex.data?.resultData?.runData ?? {} });
	}
	return runs;
}

/** Like settled() without the run data: waits for the count only. */
async function finishedCount(main, workflowId, atLeast, timeoutMs = 60_000) {
	return await waitFor(
		async () => {
			const all = await main.executions(workflowId);
			const running = all.some((e) => !e.stoppedAt && !['success', 'error', 'crashed', 'canceled'].includes(e.status));
			return all.length >= atLeast && !running ? all.length : undefined;
		},
		{ timeoutMs, intervalMs: 300 },
	);
}

/** Waits until the registration is this workflow's, at the given origin; returns it. */
async function registeredAt(sandbox, origin, webhookId, timeoutMs = 60_000) {
	return await waitFor(
		async () => {
			const r = await sandbox.client.registration();
			return r?.url?.startsWith(`${origin}/webhook/`) && r.url.includes(webhookId) ? r : undefined;
		},
		{ timeoutMs, intervalMs: 300 },
	);
}

async function deactivatedClears(ctx, workflowId) {
	await ctx.main.rest('POST', `/rest/workflows/${workflowId}/deactivate`, {});
	const cleared = await waitFor(async () => ((await ctx.sandbox.client.registration()) === null ? true : undefined), { timeoutMs: 30_000, intervalMs: 300 });
	assert.ok(cleared, `registration after deactivation: ${JSON.stringify(await ctx.sandbox.client.registration())}`);
}

/** {value} or {error}: for what is reported but not counted. */
async function measure(fn) {
	try {
		return { value: await fn() };
	} catch (error) {
		return { error };
	}
}

/** A customer and client (public API) to play the portal submissions for. */
async function ensureClient(sandbox) {
	const customerUUID = '7e57c0de-0000-4000-8000-c0570e0000c1';
	const clientUUID = '7e57c0de-0000-4000-8000-c0570e0000c2';
	await sandbox.client.api('POST', '/v1/addNewCustomer', { customerUUID, name: 'Queue trigger customer' }, sandbox.login);
	const r = await sandbox.client.api('POST', '/v1/addNewCustomerClient', { customerUUID, clientUUID, name: 'Queue trigger client' }, sandbox.login);
	assert.ok([201, 409].includes(r.status), `addNewCustomerClient -> ${r.status} ${r.text}`);
	return { customerUUID, clientUUID };
}

async function alerts(ctx, t) {
	const { main, webhooks, workers, sandbox } = ctx;
	const workflow = ctx.workflows.alerts;
	const trigger = workflow.nodes.find((n) => n.type === TRIGGER);
	const [wh1] = webhooks;

	const registration = await t.check(`3. activating ${workflow.source} on main registers ${wh1.name}'s URL (main's WEBHOOK_URL)`, async () => {
		await activate(main, workflow.id);
		const reg = await registeredAt(sandbox, wh1.url, trigger.webhookId);
		assert.ok(reg, `registration: ${JSON.stringify(await sandbox.client.registration())}\n${main.logTail(15)}`);
		return reg;
	});
	if (!registration) return;

	const client = await t.check('a client exists to submit portal credentials for', () => ensureClient(sandbox));
	if (!client) return;

	// The statuses the example's trigger listens to (others are answered "ignored", no execution).
	const wanted = trigger.parameters?.statuses ?? STATUSES;
	const submissions = [
		{ portalName: 'Ariba', password: 'correct-horse', outcome: 'success' },
		{ portalName: 'Coupa', password: 'wrong-password', outcome: 'failure' },
	];
	const key = (j) => `${j.portalName}:${j.status}`;
	const expected = submissions.flatMap((s) => [`${s.portalName}:pending`, `${s.portalName}:${s.outcome}`]).filter((k) => wanted.includes(k.split(':')[1]));
	await t.check(
		`3. a client's good and wrong portal passwords become ${expected.length} execution${expected.length === 1 ? '' : 's'} on workers with the right statuses (${expected.join(', ')}; the example takes ${wanted.join(', ')})`,
		async () => {
			for (const s of submissions) {
				await sandbox.client.portalCredentials({ clientUUID: client.clientUUID, portalName: s.portalName, username: 'buyer@client.test', password: s.password });
			}
			const delivered = await waitFor(
				async () => {
					const { deliveries } = await sandbox.client.stats();
					return deliveries.succeeded + deliveries.failed >= 2 * submissions.length ? deliveries : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 500 },
			);
			assert.ok(delivered, `deliveries: ${JSON.stringify(await sandbox.client.deliveries())}`);
			assert.equal(delivered.failed, 0, `failed deliveries: ${JSON.stringify(await sandbox.client.deliveries())}`);
			const runs = await settled(main, workflow.id, expected.length);
			assert.ok(runs, `executions: ${JSON.stringify(await main.executions(workflow.id))}`);
			await sleep(1_000); // a late extra execution must show too
			assert.equal((await main.executions(workflow.id)).length, expected.length, 'more executions than events taken');
			const got = runs.flatMap((r) => itemsOf(r.runData, trigger.name).map(key)).sort();
			assert.deepEqual(got, [...expected].sort(), `events that ran: ${got.join(', ')}`);
			for (const r of runs) assert.equal(r.status, 'success', `execution ${r.id}: ${r.status}`);
			for (const r of runs) for (const j of itemsOf(r.runData, trigger.name)) assert.equal(j.clientUUID, client.clientUUID);
			const by = runBy(workers);
			assert.deepEqual(runs.filter((r) => !by[r.id]).map((r) => r.id), [], 'executions no worker started');
			console.log(`     [queue] ${runs.map((r) => `execution ${r.id} (${itemsOf(r.runData, trigger.name).map(key)}) on ${by[r.id]}`).join('; ')}`);
		},
	);

	await t.check(`3. a burst of ${BURST} distinct signed events at once, then each redelivered: ${BURST} executions through ${wh1.name}`, async () => {
		const before = (await main.executions(workflow.id)).length;
		const secret = sandbox.registrationSecret();
		const events = Array.from({ length: BURST }, (_, i) => portalLoginChange(client, wanted[i % wanted.length]));
		const first = await Promise.all(events.map((e) => deliver(registration.url, e, secret)));
		assert.deepEqual(first.map((r) => r.status), events.map(() => 200), first.map((r) => r.text).join('\n').slice(0, 600));
		assert.deepEqual(first.filter((r) => r.json.duplicate || r.json.ignored), [], 'a first delivery was not taken');
		const again = await Promise.all(events.map((e) => deliver(registration.url, e, secret)));
		assert.deepEqual(again.map((r) => [r.status, r.json.duplicate]), events.map(() => [200, true]), 'redeliveries not answered as duplicates');
		const runs = await settled(main, workflow.id, before + BURST);
		assert.ok(runs, `executions: ${(await main.executions(workflow.id)).length} (${before} before)`);
		await sleep(1_000);
		assert.equal((await main.executions(workflow.id)).length, before + BURST, `${(await main.executions(workflow.id)).length - before} new executions for ${BURST} events`);
		const mine = new Set(events.map((e) => e.eventId));
		const burstIds = runs.flatMap((r) => itemsOf(r.runData, trigger.name).map((j) => j.eventId)).filter((id) => mine.has(id));
		assert.deepEqual([...burstIds].sort(), [...mine].sort());
		for (const r of runs) assert.equal(r.status, 'success', `execution ${r.id}: ${r.status}`);
		const by = runBy(workers);
		const spread = workers.map((w) => `${w.name} ${runs.filter((r) => by[r.id] === w.name).length}`).join(', ');
		console.log(`     [queue] ${runs.length} executions of ${workflow.source} ran on: ${spread}`);
	});

	await t.check(`5. deactivating ${workflow.source} over REST removes the registration`, () => deactivatedClears(ctx, workflow.id));
}

async function exactlyOnce(ctx, t) {
	const { main, webhooks, workers, sandbox } = ctx;
	const workflow = ctx.workflows.exactlyOnce;
	const [wh1, wh2] = webhooks;
	const once = 'Handle each event once';
	const trigger = workflow.nodes.find((n) => n.type === TRIGGER);
	const client = { customerUUID: '7e57c0de-0000-4000-8000-c0570e0000c1', clientUUID: '7e57c0de-0000-4000-8000-c0570e0000c2' };
	const wanted = trigger?.parameters?.statuses ?? STATUSES;

	const registration = await t.check(`3. activating ${workflow.source} registers ${wh1.name}'s URL`, async () => {
		assert.ok(workflow.nodes.some((n) => n.name === once), `${workflow.source} has no "${once}" step`);
		await activate(main, workflow.id);
		const reg = await registeredAt(sandbox, wh1.url, trigger.webhookId);
		assert.ok(reg, `registration: ${JSON.stringify(await sandbox.client.registration())}\n${main.logTail(15)}`);
		return reg;
	});
	if (!registration) return;
	const secret = sandbox.registrationSecret();
	const handled = (runs) => runs.flatMap((r) => itemsOf(r.runData, once).map((j) => j.eventId));
	let count = 0;

	await t.check(`4. ${wh2.name}, started with another WEBHOOK_URL (${wh2.webhookUrl}), accepts a delivery: 1 execution`, async () => {
		const e = portalLoginChange(client, wanted[0]);
		const r = await deliver(atProcess(registration.url, wh2.url), e, secret);
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.notEqual(r.json.duplicate, true);
		const runs = await settled(main, workflow.id, 1);
		assert.ok(runs, `executions: ${JSON.stringify(await main.executions(workflow.id))}`);
		assert.equal(runs.length, 1);
		assert.equal(runs[0].status, 'success');
		assert.deepEqual(handled(runs), [e.eventId]);
		assert.ok(runBy(workers)[runs[0].id], `execution ${runs[0].id}: no worker started it`);
		count = 1;
	});

	/**
	 * Delivers each event to both webhook processes (`together`: both POSTs at the same moment;
	 * else to webhook-1 and, once its execution finished, to webhook-2), one event after another;
	 * checks that every event reached "Handle each event once" exactly once.
	 */
	const bothProcesses = async (together, { url = () => registration.url, secret: secretOf = () => secret, assertOnce = true } = {}) => {
		const events = Array.from({ length: TWICE }, (_, i) => portalLoginChange(client, wanted[i % wanted.length]));
		const executionsPerEvent = [];
		for (const e of events) {
			const urls = [wh1, wh2].map((wh) => [wh.name, atProcess(url(), wh.url)]);
			const answers = [];
			if (together) answers.push(...(await Promise.all(urls.map(([, to]) => deliver(to, e, secretOf())))));
			else {
				for (const [, to] of urls) {
					answers.push(await deliver(to, e, secretOf()));
					assert.ok(await finishedCount(main, workflow.id, count + answers.filter((r) => !r.json.duplicate).length), 'an execution did not finish');
				}
			}
			answers.forEach((r, i) => assert.equal(r.status, 200, `${urls[i][0]}: ${r.text.slice(0, 300)}`));
			const ran = answers.filter((r) => !r.json.duplicate).length;
			executionsPerEvent.push(ran);
			count += ran;
			assert.ok(await finishedCount(main, workflow.id, count), `executions did not settle at ${count}`);
		}
		const runs = await settled(main, workflow.id, count);
		assert.equal(runs.length, count, `${runs.length} executions, ${count} deliveries were accepted`);
		const mine = new Set(events.map((e) => e.eventId));
		const triggered = runs.flatMap((r) => itemsOf(r.runData, trigger.name).map((j) => j.eventId)).filter((id) => mine.has(id));
		const reached = handled(runs).filter((id) => mine.has(id));
		const twiceRan = executionsPerEvent.filter((n) => n === 2).length;
		const twice = reached.filter((id, i) => reached.indexOf(id) !== i);
		const summary =
			`${TWICE} events x 2 deliveries: ${triggered.length} executions (${twiceRan} events ran twice, ${TWICE - twiceRan} ` +
			`were answered as duplicates by the trigger), ${reached.length} reached "${once}", ${new Set(twice).size} of them twice`;
		if (!assertOnce) return summary;
		console.log(`     [queue] ${summary}`);
		for (const r of runs) assert.equal(r.status, 'success', `execution ${r.id}: ${r.status}`);
		assert.equal(triggered.length, executionsPerEvent.reduce((a, b) => a + b, 0));
		assert.deepEqual(twice, [], `duplicates reached "${once}"`);
		assert.deepEqual([...reached].sort(), [...mine].sort(), `"${once}" did not see every event once`);
		return summary;
	};

	await t.check(`3. ${TWICE} events, each delivered to ${wh1.name} and, once handled, to ${wh2.name}: 0 duplicates reach "${once}"`, () =>
		bothProcesses(false),
	);

	// Remove Duplicates at work, one execution at a time: events handled through webhook-1, then
	// the workflow deactivated and activated again (the trigger's own list of seen events starts
	// empty with the new registration) and the same events delivered to webhook-2, which never
	// saw them. Both executions of each event run; only n8n's shared history stops the second.
	let activeUrl = registration.url;
	let activeSecret = secret;
	await t.check(
		`3. ${TWICE} events handled through ${wh1.name}, then after deactivating and activating again delivered to ${wh2.name}: both executions run, Remove Duplicates lets none through again`,
		async () => {
			const events = Array.from({ length: TWICE }, (_, i) => portalLoginChange(client, wanted[i % wanted.length]));
			for (const e of events) {
				const r = await deliver(registration.url, e, secret);
				assert.equal(r.status, 200, r.text.slice(0, 300));
				assert.notEqual(r.json.duplicate, true);
				count++;
				assert.ok(await finishedCount(main, workflow.id, count), `execution ${count} did not finish`);
			}
			await deactivatedClears(ctx, workflow.id);
			await activate(main, workflow.id);
			const again = await registeredAt(sandbox, wh1.url, trigger.webhookId);
			assert.ok(again, `registration after activating again: ${JSON.stringify(await sandbox.client.registration())}`);
			activeUrl = again.url;
			activeSecret = sandbox.registrationSecret();
			for (const e of events) {
				const r = await deliver(atProcess(activeUrl, wh2.url), e, activeSecret);
				assert.equal(r.status, 200, r.text.slice(0, 300));
				assert.notEqual(r.json.duplicate, true, `${wh2.name}'s trigger dropped ${e.eventId}: Remove Duplicates was not reached`);
				count++;
				assert.ok(await finishedCount(main, workflow.id, count), `execution ${count} did not finish`);
			}
			const runs = await settled(main, workflow.id, count);
			const mine = new Set(events.map((e) => e.eventId));
			const triggered = runs.flatMap((r) => itemsOf(r.runData, trigger.name).map((j) => j.eventId)).filter((id) => mine.has(id));
			const reached = handled(runs).filter((id) => mine.has(id));
			console.log(`     [queue] ${triggered.length} executions for ${TWICE} events, ${reached.length} reached "${once}"`);
			for (const r of runs) assert.equal(r.status, 'success', `execution ${r.id}: ${r.status}`);
			assert.equal(triggered.length, 2 * TWICE, `${triggered.length} executions (want 2 per event)`);
			const twice = reached.filter((id, i) => reached.indexOf(id) !== i);
			assert.deepEqual(twice, [], `duplicates reached "${once}"`);
			assert.deepEqual([...reached].sort(), [...mine].sort(), `"${once}" did not see every event once`);
		},
	);

	// Measured, not counted: POSTed to both processes at the same moment, both executions run at
	// once, and n8n's Remove Duplicates reads and writes its history without a lock
	// (DeduplicationHelper.checkProcessedAndRecord: findOne, then update), so both can pass.
	const simultaneous = await measure(() => bothProcesses(true, { url: () => activeUrl, secret: () => activeSecret, assertOnce: false }));
	console.log(
		simultaneous.error
			? `note [queue] (not counted) each event POSTed to both webhook processes at the same moment: ${simultaneous.error.message.split('\n')[0]}`
			: `note [queue] (not counted) each event POSTed to both webhook processes at the same moment: ${simultaneous.value}`,
	);

	await t.check(`5. deactivating ${workflow.source} over REST removes the registration; a late delivery runs nothing`, async () => {
		await deactivatedClears(ctx, workflow.id);
		const before = (await main.executions(workflow.id)).length;
		const late = await deliver(activeUrl, portalLoginChange(client, wanted[0]), activeSecret);
		assert.notEqual(late.status, 200, `a delivery after deactivation was answered 200: ${late.text.slice(0, 200)}`);
		assert.equal((await main.executions(workflow.id)).length, before);
	});
}

module.exports = {
	async run(ctx, t) {
		if (ctx.workflows.alerts) await alerts(ctx, t);
		else await t.check('examples/status-alerts.json exists', () => assert.fail('missing'));
		if (ctx.workflows.exactlyOnce) await exactlyOnce(ctx, t);
		else await t.check('examples/status-events-exactly-once.json exists', () => assert.fail('missing'));
	},
	deliver,
};
