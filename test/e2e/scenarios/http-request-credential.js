'use strict';
// examples/http-request-credential.json: a user reaches PortalDuct endpoints the node does not
// cover through n8n's HTTP Request node with our credential as a "predefined credential type".
// The example's editable base URL (the sandbox default) is pointed at this line's sandbox by
// line.js; the run must authenticate for real and return what the sandbox holds.
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { assertExecuted, nodeOutput } = require('../lib/n8n');
const { needsSandboxAndCredential } = require('../lib/requires');

const FILE = 'examples/http-request-credential.json';
const HTTP_REQUEST = 'n8n-nodes-base.httpRequest';

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);

module.exports = {
	name: 'http-request-credential',
	requires: needsSandboxAndCredential,
	workflows: (ctx) => (source(ctx) ? [{ role: 'httpRequest', ...source(ctx) }] : []),

	async cli(ctx, t) {
		const { client } = ctx.sandbox;
		const workflow = ctx.workflows.httpRequest;
		const ran = await t.check(`${FILE} exists and uses the HTTP Request node with the portalDuctApi credential`, () => {
			assert.ok(workflow, `${FILE} is missing`);
			const http = workflow.nodes.find((n) => n.type === HTTP_REQUEST);
			assert.ok(http, 'no HTTP Request node');
			assert.equal(http.parameters.authentication, 'predefinedCredentialType');
			assert.equal(http.parameters.nodeCredentialType, 'portalDuctApi');
			assert.ok(http.credentials?.portalDuctApi, 'the HTTP Request node has no portalDuctApi credential');
			// The editable base URL was the sandbox default and now points at this line's sandbox.
			const named = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote' && JSON.stringify(n.parameters).includes(ctx.sandbox.url));
			assert.ok(named.length > 0, `no node names ${ctx.sandbox.url} (the example should use http://127.0.0.1:8787)`);
			return http;
		});
		if (!ran) return;

		const before = await client.stats();
		await t.check(
			`run ${FILE}: Bearer token accepted, the answer is a client's balance (404: the example's client is not in this sandbox), no secret in the output`,
			async () => {
				const result = await ctx.n8n.execute(ctx.ids.httpRequest);
				assertExecuted(result);
				const [response] = nodeOutput(result.run.data, ran.name);
				// 404 = "no such client", a normal answer; 401 would mean no authentication.
				assert.ok([200, 404].includes(response.statusCode), JSON.stringify(response));
				assert.doesNotMatch(JSON.stringify(response), /token=|"token"|Bearer /, 'the output holds a token');
				const after = await client.stats();
				assert.equal(after.unauthorized - before.unauthorized, 0, 'a request was refused (401)');
				assert.ok(after.requestsTotal > before.requestsTotal, 'the sandbox saw no request');
			},
		);
	},
};
