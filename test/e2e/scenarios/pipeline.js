'use strict';
// The pipeline itself, independent of PortalDuct: a trivial workflow imports and executes through
// the CLI, and its stored execution is visible through the REST API of the started instance.
const assert = require('node:assert/strict');
const { fixture } = require('../lib/workflows');
const { assertExecuted, nodeOutput } = require('../lib/n8n');

module.exports = {
	name: 'pipeline',
	requires: () => null,
	workflows: () => [{ role: 'noop', ...fixture('pipeline-noop.workflow.json') }],

	async cli(ctx, t) {
		await t.check('execute a manual trigger into a NoOp (n8n execute --rawOutput)', async () => {
			const result = await ctx.n8n.execute(ctx.ids.noop);
			assertExecuted(result);
			assert.deepEqual(nodeOutput(result.run.data, 'Pass Through'), [{}]);
		});
	},

	async server(ctx, t) {
		await t.check('the CLI execution is stored and readable over REST', async () => {
			const list = await ctx.n8n.executions(ctx.ids.noop);
			assert.equal(list.length, 1, JSON.stringify(list));
			assert.equal(list[0].status, 'success');
			const stored = await ctx.n8n.execution(list[0].id);
			assert.deepEqual(nodeOutput(stored.data, 'Pass Through'), [{}]);
		});
	},
};
