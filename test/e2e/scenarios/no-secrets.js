'use strict';
// Nothing n8n stored or logged for this line holds the PortalDuct password or any token the
// sandbox ever issued: every stored execution (outputs and errors) and n8n's own log.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { needsSandbox } = require('../lib/requires');

async function secretsOf(ctx) {
	const { password, tokens } = await ctx.sandbox.client.call('GET', '/_sandbox/secrets');
	return [password, ...tokens].filter(Boolean);
}

function leaks(text, secrets) {
	return secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret.slice(0, 6)}…`);
}

module.exports = {
	name: 'no-secrets',
	requires: needsSandbox,
	workflows: () => [],

	async server(ctx, t) {
		await t.check('no password or token in any stored execution of the line', async () => {
			const secrets = await secretsOf(ctx);
			assert.ok(secrets.length > 1, 'the sandbox issued tokens during the line');
			let scanned = 0;
			for (const id of Object.values(ctx.ids)) {
				for (const summary of await ctx.n8n.executions(id)) {
					const execution = await ctx.n8n.execution(summary.id);
					assert.deepEqual(leaks(JSON.stringify(execution.data), secrets), [], `execution ${summary.id}`);
					scanned++;
				}
			}
			assert.ok(scanned > 0, 'executions were stored');
		});
	},

	async after(ctx, t) {
		await t.check('no password or token in n8n\'s log', async () => {
			const secrets = await secretsOf(ctx);
			const log = fs.readFileSync(ctx.n8n.logFile, 'utf8');
			assert.ok(log.length > 0, 'n8n wrote a log');
			assert.deepEqual(leaks(log, secrets), []);
		});
	},
};
