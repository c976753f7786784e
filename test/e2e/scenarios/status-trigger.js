'use strict';
// The status trigger in a running n8n: activation registers n8n's webhook URL with PortalDuct, a
// client's good and wrong portal passwords become executions with the right items, and
// deactivation removes n8n's registration (restoring the one activation displaced, if any).
const assert = require('node:assert/strict');
const { examples, fixture } = require('../lib/workflows');
const { sleep, waitFor } = require('../lib/proc');

const TRIGGER = 'n8n-nodes-portalduct.portalDuctTrigger';
const ALL_STATUSES = ['pending', 'success', 'failure'];

/** The users' status-trigger example once it exists, else ours. */
function source(ctx) {
	return examples(ctx.repo).find(({ json }) => json.nodes.some((n) => n.type === TRIGGER)) ?? fixture('status-trigger.workflow.json');
}

/** A client to play: the one onboarding made, else one created through the public API. */
async function ensureClient(ctx) {
	if (ctx.shared.client) return ctx.shared.client;
	const { client, login } = ctx.sandbox;
	const customerUUID = '8c3f5e1a-4b6d-4e0f-9a2b-0e2e0000c101';
	const clientUUID = '9d4a6f2b-5c7e-4f1a-8b3c-0e2e0000c102';
	await client.api('POST', '/v1/addNewCustomer', { customerUUID, name: 'e2e customer' }, login);
	const r = await client.api('POST', '/v1/addNewCustomerClient', { customerUUID, clientUUID, name: 'e2e client' }, login);
	assert.ok([201, 409].includes(r.status), `addNewCustomerClient -> ${r.status} ${r.text}`);
	return { customerUUID, clientUUID };
}

/** The trigger's items of every stored execution of the workflow (each delivery is one run). */
async function triggerItems(ctx, workflowId, triggerName) {
	const items = [];
	for (const summary of await ctx.n8n.executions(workflowId)) {
		const ex = await ctx.n8n.execution(summary.id);
		const runs = ex.data.resultData.runData[triggerName] ?? [];
		for (const item of runs[0]?.data?.main?.[0] ?? []) items.push({ execution: summary, json: item.json });
	}
	return items;
}

module.exports = {
	name: 'status-trigger',
	requires: (ctx) =>
		(!ctx.sandbox && 'no sandbox in the build (test/sandbox)') ||
		(!ctx.credential && 'the package has no portalDuctApi credential') ||
		(!ctx.pkg.nodes.some((n) => n.type === TRIGGER) && `the package has no ${TRIGGER} node`) ||
		null,
	workflows: (ctx) => [{ role: 'statusTrigger', ...source(ctx) }],

	async cli(ctx, t) {
		ctx.shared.triggerClient = await t.check('a client exists to submit portal credentials for', () => ensureClient(ctx));
		// The node restores on deactivation whatever registration its activation displaced.
		ctx.shared.registrationBefore = await ctx.sandbox.client.registration();
		// Activated before `n8n start`, which then runs checkExists/create for it.
		await t.check(`activate ${ctx.sources.statusTrigger} from the CLI (${ctx.line.activateArgs('X')[0]})`, () =>
			ctx.n8n.activate(ctx.ids.statusTrigger),
		);
	},

	async server(ctx, t) {
		const { client: sandbox } = ctx.sandbox;
		const workflowId = ctx.ids.statusTrigger;
		const workflow = ctx.workflows.statusTrigger;
		const trigger = workflow.nodes.find((n) => n.type === TRIGGER);
		const client = ctx.shared.triggerClient;
		if (!client) return t.skip('status-trigger deliveries', 'no client to play');

		const registered = await t.check('activation registered n8n\'s webhook URL with the sandbox', async () => {
			// Readiness turns 200 before activation is done: poll the sandbox for the outcome.
			const reg = await waitFor(
				async () => {
					const r = await sandbox.registration();
					return r?.url?.startsWith(`${ctx.n8n.url}/webhook/`) ? r : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 500 },
			);
			assert.ok(reg, `registration: ${JSON.stringify(await sandbox.registration())}\n${ctx.n8n.logTail(15)}`);
			assert.ok(reg.url.includes(trigger.webhookId), `URL ${reg.url} lacks the node's webhookId ${trigger.webhookId}`);
			return reg;
		});
		if (!registered) return undefined;

		const submissions = [
			{ portalName: 'Ariba', username: 'buyer@client.test', password: 'correct-horse', outcome: 'success' },
			{ portalName: 'Coupa', username: 'buyer@client.test', password: 'wrong-password', outcome: 'failure' },
		];
		for (const s of submissions) {
			await sandbox.portalCredentials({ clientUUID: client.clientUUID, portalName: s.portalName, username: s.username, password: s.password });
		}
		const wanted = trigger.parameters?.statuses ?? ALL_STATUSES;
		const expected = submissions
			.flatMap((s) => [{ portalName: s.portalName, status: 'pending' }, { portalName: s.portalName, status: s.outcome }])
			.filter((e) => wanted.includes(e.status));
		const key = (e) => `${e.portalName}:${e.status}`;

		const items = await t.check(`the deliveries became ${expected.length} executions (statuses ${wanted.join(', ')})`, async () => {
			const got = await waitFor(
				async () => {
					const s = await sandbox.stats();
					const settled = s.deliveries.succeeded + s.deliveries.failed >= 4; // 2 submissions x (pending + outcome)
					const found = settled ? await triggerItems(ctx, workflowId, trigger.name) : [];
					return found.length >= expected.length ? found : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 1_000 },
			);
			// Late extras must show up too: give n8n a moment after the last delivery, then read again.
			await sleep(1_500);
			const final = got && (await triggerItems(ctx, workflowId, trigger.name));
			const stats = await sandbox.stats();
			assert.ok(got, `executions: ${JSON.stringify(await ctx.n8n.executions(workflowId))}\ndeliveries: ${JSON.stringify(stats.deliveries)}`);
			assert.equal(stats.deliveries.failed, 0, `failed deliveries: ${JSON.stringify(await sandbox.deliveries())}`);
			return final;
		});
		if (!items) return undefined;

		await t.check('each execution succeeded and carries the right client, portal and status', () => {
			for (const { execution } of items) assert.equal(execution.status, 'success', JSON.stringify(execution));
			assert.deepEqual(items.map((i) => key(i.json)).sort(), expected.map(key).sort());
			for (const { json } of items) {
				assert.equal(json.clientUUID, client.clientUUID);
				assert.equal(json.retryRequired, json.status === 'failure', `retryRequired on ${key(json)}`);
				assert.equal(typeof json.eventId, 'string');
			}
		});

		const before = ctx.shared.registrationBefore;
		await t.check(
			`deactivating over REST removes n8n's registration (${before ? `restores ${before.url}` : 'none left'})`,
			async () => {
				await ctx.n8n.deactivate(workflowId);
				const settled = await waitFor(
					async () => {
						const now = await sandbox.registration();
						return (now?.url ?? null) === (before?.url ?? null);
					},
					{ timeoutMs: 20_000 },
				);
				assert.ok(settled, `registration now: ${JSON.stringify(await sandbox.registration())}, before activation: ${JSON.stringify(before)}`);
			},
		);
		return undefined;
	},
};
