'use strict';
// A user reaches PortalDuct endpoints the node does not cover through n8n's HTTP Request node
// with our credential as a "predefined credential type": prove it authenticates for real.
const assert = require('node:assert/strict');
const { fixture } = require('../lib/workflows');
const { assertExecuted, nodeOutput } = require('../lib/n8n');

module.exports = {
	name: 'http-request-credential',
	requires: (ctx) =>
		(!ctx.sandbox && 'no sandbox in the build (test/sandbox)') ||
		(!ctx.credential && 'the package has no portalDuctApi credential') ||
		null,
	workflows: () => [{ role: 'httpRequest', ...fixture('http-request-credential.workflow.json') }],

	async cli(ctx, t) {
		const { client } = ctx.sandbox;
		const before = await client.stats();
		await t.check('HTTP Request node + portalDuctApi: the sandbox accepts its Bearer token', async () => {
			const result = await ctx.n8n.execute(ctx.ids.httpRequest);
			assertExecuted(result);
			const [response] = nodeOutput(result.run.data, 'Read Registration');
			// 404 = "no registration yet", a normal answer; 401 would mean the credential did not authenticate.
			assert.ok([200, 404].includes(response.statusCode), `status ${response.statusCode}: ${JSON.stringify(response.body)}`);
			const after = await client.stats();
			assert.equal(after.unauthorized - before.unauthorized, 0, 'a request was refused (401)');
			assert.ok(after.requestsTotal > before.requestsTotal, 'the sandbox saw no request');
		});
	},
};
