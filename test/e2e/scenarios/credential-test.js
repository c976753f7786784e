'use strict';
// The credential's "Test" button in the editor, through n8n's REST API (POST /rest/credentials/test):
// good data answers OK, a wrong password answers an Error whose message says the login was refused.
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
	},
};
