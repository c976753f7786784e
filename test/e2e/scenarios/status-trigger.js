'use strict';
// examples/status-alerts.json in a running n8n: activation registers n8n's webhook URL with
// PortalDuct; a client's good and wrong portal passwords make PortalDuct deliver four status
// changes, of which only the failure (the trigger's own filter) starts an execution, whose retry
// message links the client to your reconnect page; deactivation removes the registration.
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { sleep, waitFor } = require('../lib/proc');
const { needsNode } = require('../lib/requires');

const FILE = 'examples/status-alerts.json';
const TRIGGER = 'n8n-nodes-portalduct.portalDuctTrigger';
const SET = 'n8n-nodes-base.set';
const ALL_STATUSES = ['pending', 'success', 'failure'];

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);

/** The node fed by a node's first output, if any. */
function nextNode(workflow, name) {
	const target = workflow.connections[name]?.main?.[0]?.[0]?.node;
	return workflow.nodes.find((n) => n.name === target);
}

/** Items of a node's first run, first output, in stored run data ([] when it did not run). */
const itemsOf = (runData, name) => (runData[name]?.[0]?.data?.main?.[0] ?? []).map((i) => i.json);

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

/** Every stored execution of the workflow (each delivery is one run) with its trigger item and run data. */
async function triggerRuns(ctx, workflowId, triggerName) {
	const runs = [];
	for (const summary of await ctx.n8n.executions(workflowId)) {
		const ex = await ctx.n8n.execution(summary.id);
		const runData = ex.data.resultData.runData;
		for (const json of itemsOf(runData, triggerName)) runs.push({ execution: summary, json, runData });
	}
	return runs;
}

module.exports = {
	name: 'status-trigger',
	requires: (ctx) => needsNode(ctx, TRIGGER),
	workflows: (ctx) => (source(ctx) ? [{ role: 'statusTrigger', ...source(ctx) }] : []),

	async cli(ctx, t) {
		const example = await t.check(`${FILE}: trigger on failures only, your reconnect page, then the retry message`, () => {
			const workflow = ctx.workflows.statusTrigger;
			assert.ok(workflow, `${FILE} is missing`);
			const trigger = workflow.nodes.find((n) => n.type === TRIGGER);
			assert.equal(trigger?.name, 'PortalDuct Trigger');
			assert.ok(trigger.webhookId, 'the trigger has no fixed webhookId');
			assert.deepEqual(trigger.parameters?.statuses, ['failure']);
			const page = nextNode(workflow, trigger.name);
			assert.equal(page?.type, SET, 'the trigger does not feed the reconnect page setting');
			assert.equal(nextNode(workflow, page.name)?.type, SET, 'the reconnect page feeds no message');
			return true;
		});
		if (!example) return;
		ctx.shared.triggerClient = await t.check('a client exists to submit portal credentials for', () => ensureClient(ctx));
		// PortalDuct keeps one URL per account, and the trigger refuses to take it from anything else
		// unless its option "Replace Existing Registration" is on (the example leaves it off): as a
		// user does after reading that refusal, remove what an earlier step registered.
		await t.check('the account is freed of a registration made before (the trigger would refuse to replace it)', async () => {
			const { client: sandbox, login } = ctx.sandbox;
			const before = await sandbox.registration();
			if (before) {
				const r = await sandbox.api('DELETE', '/v1/clientsPortalLoginChanges', undefined, login);
				assert.equal(r.status, 204, r.text);
			}
			assert.equal(await sandbox.registration(), null);
		});
		// Activated before `n8n start`, which then runs checkExists/create for it.
		await t.check(`activate ${ctx.sources.statusTrigger} from the CLI (${ctx.line.activateArgs('X')[0]})`, () =>
			ctx.n8n.activate(ctx.ids.statusTrigger),
		);
	},

	async server(ctx, t) {
		const { client: sandbox } = ctx.sandbox;
		const workflowId = ctx.ids.statusTrigger;
		const workflow = ctx.workflows.statusTrigger;
		const client = ctx.shared.triggerClient;
		if (!workflow || !client) return t.skip('status-trigger deliveries', workflow ? 'no client to play' : `${FILE} is missing`);
		const trigger = workflow.nodes.find((n) => n.type === TRIGGER);

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

		const runs = await t.check(`the deliveries became ${expected.length} executions (statuses ${wanted.join(', ')})`, async () => {
			const got = await waitFor(
				async () => {
					const s = await sandbox.stats();
					const settled = s.deliveries.succeeded + s.deliveries.failed >= 4; // 2 submissions x (pending + outcome)
					const found = settled ? await triggerRuns(ctx, workflowId, trigger.name) : [];
					return found.length >= expected.length ? found : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 1_000 },
			);
			// Late extras must show up too: give n8n a moment after the last delivery, then read again.
			await sleep(1_500);
			const final = got && (await triggerRuns(ctx, workflowId, trigger.name));
			const stats = await sandbox.stats();
			assert.ok(got, `executions: ${JSON.stringify(await ctx.n8n.executions(workflowId))}\ndeliveries: ${JSON.stringify(stats.deliveries)}`);
			assert.equal(stats.deliveries.failed, 0, `failed deliveries: ${JSON.stringify(await sandbox.deliveries())}`);
			assert.equal(final.length, expected.length, `${final.length} executions: ${final.map((r) => key(r.json)).join(', ')}`);
			return final;
		});
		if (!runs) return undefined;

		await t.check('each execution succeeded and carries the right client, portal and status', () => {
			for (const { execution } of runs) assert.equal(execution.status, 'success', JSON.stringify(execution));
			assert.deepEqual(runs.map((r) => key(r.json)).sort(), expected.map(key).sort());
			for (const { json } of runs) {
				assert.equal(json.clientUUID, client.clientUUID);
				assert.equal(json.retryRequired, json.status === 'failure', `retryRequired on ${key(json)}`);
				assert.equal(typeof json.eventId, 'string');
			}
		});

		const page = nextNode(workflow, trigger.name);
		const message = page && nextNode(workflow, page.name);
		await t.check(`each failure becomes "${message?.name}" with a link to your reconnect page for that client and connection`, () => {
			assert.ok(page && message, 'the example has no reconnect page and message step');
			const failures = submissions.filter((s) => s.outcome === 'failure');
			assert.equal(runs.length, failures.length);
			for (const run of runs) {
				const built = itemsOf(run.runData, message.name);
				assert.equal(built.length, 1, `${key(run.json)}: ${built.length} retry messages`);
				const [msg] = built;
				const portal = run.json.portalName;
				assert.ok(failures.some((f) => f.portalName === portal), `a failure for ${portal}, which got the good password`);
				for (const field of ['to', 'subject', 'text', 'reconnectLink']) {
					assert.equal(typeof msg[field], 'string', `${field}: ${JSON.stringify(msg)}`);
					assert.ok(msg[field].length > 0, `${field} is empty`);
				}
				const reconnectPage = itemsOf(run.runData, page.name)[0]?.reconnectPage;
				const link = new URL(msg.reconnectLink);
				assert.equal(`${link.origin}${link.pathname}`, reconnectPage);
				assert.equal(link.searchParams.get('clientUUID'), client.clientUUID);
				assert.equal(link.searchParams.get('connection_uuid'), run.json.connection_uuid);
				assert.ok(msg.text.includes(msg.reconnectLink), `text lacks the link:\n${msg.text}`);
				assert.ok(msg.to.includes(client.clientUUID), `to ${msg.to} does not name client ${client.clientUUID}`);
				assert.ok(msg.subject.includes(portal), `subject ${JSON.stringify(msg.subject)} does not name ${portal}`);
				assert.doesNotMatch(msg.text, /undefined|null|\{\{/, `text has an unresolved part:\n${msg.text}`);
			}
		});

		await t.check("deactivating over REST removes n8n's registration", async () => {
			await ctx.n8n.deactivate(workflowId);
			const settled = await waitFor(async () => ((await sandbox.registration()) === null ? true : undefined), {
				timeoutMs: 20_000,
			});
			assert.ok(settled, `registration now: ${JSON.stringify(await sandbox.registration())}`);
		});
		return undefined;
	},
};
