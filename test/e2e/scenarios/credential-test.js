'use strict';
// The credential's "Test" button in the editor, through n8n's REST API (POST /rest/credentials/test):
// good data answers OK, a wrong password answers an Error whose message says the login was refused,
// also after a Password edit on a stored session against a PortalDuct that refuses inside an HTTP 200.
const assert = require('node:assert/strict');
const { CREDENTIAL_TYPE } = require('../lib/workflows');
const { needsSandboxAndCredential } = require('../lib/requires');

module.exports = {
	name: 'credential-test',
	requires: needsSandboxAndCredential,
	workflows: () => [],

	async server(ctx, t) {
		const { url, login } = ctx.sandbox;
		// The editor sends the credential as edited: id, name, type and its (decrypted) data.
		const test = (data) =>
			ctx.n8n.rest('POST', '/rest/credentials/test', {
				credentials: { id: ctx.credential.id, name: ctx.credential.name, type: CREDENTIAL_TYPE, data },
			});
		await t.check('credential test with good data: OK', async () => {
			const { data } = await test({ baseUrl: url, ...login });
			assert.equal(data.status, 'OK', data.message);
		});
		await t.check('credential test with a wrong password: Error naming the refused login', async () => {
			const { data } = await test({ baseUrl: url, email: login.email, password: 'wrong-password' });
			assert.equal(data.status, 'Error');
			assert.match(data.message, /refused|401|password/i, data.message);
		});
		// As the editor sends it after the user edits the Password: the stored session (hidden fields)
		// with the new Password. Against a PortalDuct that refuses inside an HTTP 200, the test must
		// still log in as typed and say PortalDuct refused it (issue 19).
		await t.check('credential test of a stored session with an edited wrong Password: Error in PortalDuct\'s words', async () => {
			assert.equal((await test({ baseUrl: url, ...login })).data.status, 'OK');
			const stored = (await ctx.n8n.rest('GET', `/rest/credentials/${ctx.credential.id}?includeData=true`)).data.data;
			assert.ok(stored.accessToken, `the test stored no session: ${Object.keys(stored).join(', ')}`);
			const { data } = await test({ ...stored, baseUrl: url, email: login.email, password: 'wrong-password' });
			assert.equal(data.status, 'Error', data.message);
			assert.match(data.message, /^PortalDuct refused the login for .+ \(HTTP 401[^)]*Email or password is wrong/, data.message);
		});
		await t.check('credential test of a stored session with an edited wrong Password, refusal inside HTTP 200: Error', async () => {
			assert.equal((await test({ baseUrl: url, ...login })).data.status, 'OK');
			const stored = (await ctx.n8n.rest('GET', `/rest/credentials/${ctx.credential.id}?includeData=true`)).data.data;
			assert.ok(stored.accessToken, `the test stored no session: ${Object.keys(stored).join(', ')}`);
			const settings = (patch) => ctx.sandbox.client.call('PATCH', '/_sandbox/settings', patch);
			await settings({ errorShape: 'success-false', errorsInHttp200: true });
			try {
				const { data } = await test({ ...stored, baseUrl: url, email: login.email, password: 'wrong-password' });
				assert.equal(data.status, 'Error', data.message);
				assert.match(data.message, /^PortalDuct refused the login: its answer \(HTTP 200\) says "success": false/, data.message);
				assert.ok(!data.message.includes('wrong-password'), data.message);
			} finally {
				await settings({ errorShape: 'contract', errorsInHttp200: false });
			}
		});
	},
};
