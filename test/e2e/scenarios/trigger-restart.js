'use strict';
// A restart of n8n forgets nothing the PortalDuct Trigger saw: every event that ran before the
// restart is answered as a duplicate afterwards and starts no second execution (PortalDuct
// delivers at least once and redelivers what it is not sure about). n8n loads a workflow's static
// data for each production webhook call and writes it back whole afterwards (last writer wins),
// so events that arrive together can lose each other's records; a restart also empties anything
// kept in the process. Five bursts of 5 events at once, each followed by a restart and the same 5
// again; then 5 events one at a time, a restart, the same 5 again one at a time. On n8n 1.x the
// bursts are measured, not counted (lib/lines.js, staticDataWritesLandInOrder).
// Runs LAST on a line (line.js SCENARIOS): it restarts n8n (graceful SIGTERM, start, log in) and
// leaves it running for the line's end.
const assert = require('node:assert/strict');
const { deliver, portalLoginChange } = require('../lib/deliveries');
const { needsNode } = require('../lib/requires');
const {
	TRIGGER,
	activation,
	deactivateQuietly,
	describeAnswers,
	eventIdsOf,
	isProductionOf,
	registrationWhere,
	settle,
	someClient,
	triggerWorkflow,
} = require('../lib/trigger');

const ROLE = 'restart';
const BURSTS = 5;
const EVENTS = 5;

module.exports = {
	name: 'trigger-restart',
	requires: (ctx) => needsNode(ctx, TRIGGER),
	workflows: () => [{ role: ROLE, source: 'generated:trigger-restart', json: triggerWorkflow('e2e trigger: restart') }],

	async server(ctx, t) {
		const { n8n, sandbox } = ctx;
		const id = ctx.ids[ROLE];
		const workflow = ctx.workflows[ROLE];
		const client = someClient(ctx);
		const reran = [];
		const restarts = []; // registration reads (the trigger's checkExists) during each restart

		/** Restarts n8n and waits until it activated this workflow again; false when that failed. */
		const restart = (what, webhookUrl) =>
			t.check(`${what}: n8n stops on SIGTERM, starts, is ready, logs in, and serves the workflow's webhook again`, async () => {
				const before = await sandbox.client.stats();
				const { exit, logOffset } = await n8n.restart();
				assert.equal(exit?.forced, false, 'needed SIGKILL');
				await n8n.waitActivated({ id, name: workflow.name }, webhookUrl, logOffset);
				const after = await sandbox.client.stats();
				const reads = (s) => s.requests['GET /v1/clientsPortalLoginChanges'] ?? 0;
				restarts.push(reads(after) - reads(before));
				return true;
			});

		/**
		 * Delivers `events` (all at once, or one at a time awaiting each answer), then waits until the
		 * executions their answers announce have finished; resolves {answers, started, executions}.
		 */
		const send = async (events, { url, secret, together }) => {
			const before = (await n8n.executions(id)).length;
			const answers = together
				? await Promise.all(events.map((e) => deliver(url, e, secret)))
				: await events.reduce(async (prev, e) => [...(await prev), await deliver(url, e, secret)], Promise.resolve([]));
			// Every 200 without duplicate/ignored starts one execution: wait for those, then count.
			const announced = answers.filter((a) => a.status === 200 && !a.json.duplicate && !a.json.ignored).length;
			const done = await settle(ctx, id, before + announced);
			assert.ok(done, `${announced} executions announced, ${(await n8n.executions(id)).length - before} seen`);
			return { answers, started: done.slice(0, done.length - before), executions: done.length - before };
		};

		/** One round: `events` delivered, a restart, the same events again: re-runs counted. */
		const round = async (label, together) => {
			const reg = await sandbox.client.registration();
			const secret = sandbox.registrationSecret();
			const events = Array.from({ length: EVENTS }, () => portalLoginChange(client));
			const first = await t.check(`${label}: ${EVENTS} distinct signed events ${together ? 'at once' : 'one at a time'} run ${EVENTS} executions`, async () => {
				assert.ok(reg && isProductionOf(ctx, workflow)(reg), `registration: ${JSON.stringify(reg)}`);
				const { answers, started } = await send(events, { url: reg.url, secret, together });
				assert.deepEqual(answers.map((a) => a.status), events.map(() => 200), describeAnswers(answers));
				assert.equal(started.length, EVENTS, describeAnswers(answers));
				assert.deepEqual((await eventIdsOf(ctx, started)).sort(), events.map((e) => e.eventId).sort());
				return true;
			});
			if (!first) return false;
			if (!(await restart(label, reg.url))) return false;
			await t.check(`${label}: after the restart, the same ${EVENTS} redelivered ${together ? 'at once' : 'one at a time'} run 0 executions`, async () => {
				const before = (await n8n.executions(id)).length;
				const { answers } = await send(events, { url: reg.url, secret, together });
				// A barrier: one fresh event after them; once its execution has finished, executions the
				// redeliveries started (announced or not) are listed too. Counted by eventId.
				const barrier = portalLoginChange(client);
				const { started: last } = await send([barrier], { url: reg.url, secret, together: true });
				assert.equal(last.length >= 1, true, 'the barrier event started no execution');
				const all = await n8n.executions(id);
				const ids = await eventIdsOf(ctx, all.slice(0, all.length - before));
				const redelivered = new Set(events.map((e) => e.eventId));
				const again = ids.filter((eventId) => redelivered.has(eventId));
				reran.push(`${label}: ${again.length}`);
				if (together && !ctx.line.staticDataWritesLandInOrder) {
					// Measured, not counted: see staticDataWritesLandInOrder in lib/lines.js.
					console.log(`note ${t.prefix} (not counted) ${label}: ${again.length} of ${EVENTS} re-ran after the restart`);
				} else {
					assert.equal(again.length, 0, `${again.length} of ${EVENTS} re-ran after the restart (${again.join(', ')}); answers: ${describeAnswers(answers)}`);
				}
				const others = ids.filter((eventId) => !redelivered.has(eventId));
				assert.deepEqual(others, [barrier.eventId], `executions since the redelivery: ${ids.join(', ')}`);
				assert.deepEqual(answers.map((a) => a.status), events.map(() => 200), describeAnswers(answers));
			});
			return true;
		};

		try {
			const published = await t.check('published: PortalDuct holds its production URL with a secret', async () => {
				const start = await sandbox.client.registration();
				if (start) await sandbox.client.api('DELETE', '/v1/clientsPortalLoginChanges', undefined, sandbox.login);
				const outcome = await activation(ctx, id);
				assert.ok(outcome.ok, `activation failed: ${outcome.text.slice(0, 500)}`);
				assert.ok(await registrationWhere(ctx, isProductionOf(ctx, workflow)), `registration: ${JSON.stringify(await sandbox.client.registration())}`);
				assert.ok(sandbox.registrationSecret(), 'registered without a signing secret');
				return true;
			});
			if (!published) return;
			for (let b = 1; b <= BURSTS; b++) {
				if (!(await round(`burst ${b}/${BURSTS}`, true))) return;
			}
			await round('one at a time', false);
		} finally {
			if (reran.length) console.log(`     ${t.prefix} trigger-restart: re-ran after the restart (of ${EVENTS}) per round: ${reran.join('; ')}`);
			if (restarts.length) console.log(`     ${t.prefix} trigger-restart: registration reads by n8n during each restart: ${restarts.join(', ')}`);
			if (n8n.server?.isAlive()) {
				await t.check('deactivated: the account is left without a registration', async () => {
					await deactivateQuietly(ctx, id);
					assert.ok(await registrationWhere(ctx, (r) => r === null, 20_000), `registration: ${JSON.stringify(await sandbox.client.registration())}`);
				});
			}
		}
	},
};
