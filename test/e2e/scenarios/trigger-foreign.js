'use strict';
// PortalDuct keeps ONE webhook URL per account. When the account already sends to something else,
// publishing a PortalDuct Trigger is REFUSED unless its option "Replace Existing Registration"
// (options.replaceExistingRegistration) is on: the refusal names what holds the account (its URL,
// any token query hidden) and that option, the registration is left as it was, and the other
// system never receives a request from n8n (no probe). With the option on, activation takes the
// account over, still without calling the other system. A second trigger workflow published while
// the first holds the account is refused the same way, naming the first's URL (token hidden).
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { needsNode } = require('../lib/requires');
const { startReceiver } = require('../lib/receiver');
const {
	TRIGGER,
	activation,
	deactivateQuietly,
	isProductionOf,
	registrationWhere,
	triggerWorkflow,
	withoutQuery,
} = require('../lib/trigger');

const OPTION = 'Replace Existing Registration';

/** Asserts a refusal names `holderUrl` without its query (token) and mentions the option. */
function assertRefusal(outcome, holderUrl, token) {
	assert.equal(outcome.ok, false, `activation was NOT refused (n8n reported: ${outcome.text.slice(0, 300)})`);
	const shown = withoutQuery(holderUrl);
	assert.ok(outcome.text.includes(shown), `the refusal does not name ${shown}:\n${outcome.text.slice(0, 800)}`);
	assert.ok(!outcome.text.includes(token), `the refusal shows the URL's token:\n${outcome.text.slice(0, 800)}`);
	assert.ok(outcome.text.includes(OPTION), `the refusal does not mention the option "${OPTION}":\n${outcome.text.slice(0, 800)}`);
}

module.exports = {
	name: 'trigger-foreign',
	requires: (ctx) => needsNode(ctx, TRIGGER),
	workflows: () => [
		{ role: 'foreignPlain', source: 'generated:trigger-foreign-plain', json: triggerWorkflow('e2e trigger: default options') },
		{
			role: 'foreignReplace',
			source: 'generated:trigger-foreign-replace',
			json: triggerWorkflow('e2e trigger: Replace Existing Registration on', { replaceExistingRegistration: true }),
		},
	],

	async server(ctx, t) {
		const { n8n, sandbox } = ctx;
		const [plain, replace] = [ctx.ids.foreignPlain, ctx.ids.foreignReplace];
		const receiver = await startReceiver();
		const foreign = { url: `${receiver.url}?token=foreign-${crypto.randomBytes(8).toString('hex')}`, secret: `foreign-secret-${crypto.randomBytes(8).toString('hex')}` };
		const foreignToken = new URL(foreign.url).searchParams.get('token');
		const registerForeign = async () => {
			const r = await sandbox.client.api('POST', '/v1/clientsPortalLoginChanges', foreign, sandbox.login);
			assert.equal(r.status, 201, r.text);
		};
		const isForeign = (r) => r?.url === foreign.url;
		try {
			const registered = await t.check('another system (a receiver on loopback) is registered through PortalDuct\'s public API', async () => {
				await registerForeign();
				return true;
			});
			if (!registered) return;

			await t.check('publishing a trigger workflow is refused, naming the other system\'s URL (token hidden) and the option', async () =>
				assertRefusal(await activation(ctx, plain), foreign.url, foreignToken),
			);
			await t.check('... PortalDuct still sends to the other system (same URL, same secret)', async () => {
				const reg = await sandbox.client.registration();
				assert.equal(reg?.url, foreign.url, 'the registration was replaced');
				assert.equal(sandbox.registrationSecret() === foreign.secret, true, 'the other system\'s secret was replaced');
			});
			await t.check('... and the other system received no request at all', () => {
				assert.equal(receiver.requests.length, 0, `it received:\n${receiver.describe()}`);
			});

			// As the user would next: the refused workflow is unpublished; the other system keeps the account.
			await deactivateQuietly(ctx, plain);
			if (!isForeign(await sandbox.client.registration())) await registerForeign();
			const seen = receiver.requests.length;

			const holder = await t.check(`with "${OPTION}" on, publishing takes the account over: PortalDuct now sends to n8n`, async () => {
				const outcome = await activation(ctx, replace);
				assert.ok(outcome.ok, `activation failed: ${outcome.text.slice(0, 800)}`);
				const reg = await registrationWhere(ctx, isProductionOf(ctx, ctx.workflows.foreignReplace));
				assert.ok(reg, `registration: ${JSON.stringify(await sandbox.client.registration())}`);
				assert.ok(sandbox.registrationSecret(), 'registered without a signing secret');
				return reg;
			});
			await t.check('... still without any request to the other system', () => {
				assert.equal(receiver.requests.length - seen, 0, `it received:\n${receiver.describe(seen)}`);
			});
			if (!holder) return;

			await t.check('a second trigger workflow published while the first holds the account is refused, naming the first\'s URL (token hidden)', async () => {
				const token = new URL(holder.url).searchParams.get('token');
				assert.ok(token, `the holder's URL has no token: ${holder.url}`);
				const secret = sandbox.registrationSecret();
				const outcome = await activation(ctx, plain);
				assertRefusal(outcome, holder.url, token);
				const reg = await sandbox.client.registration();
				assert.equal(reg?.url, holder.url, 'the first trigger lost the account');
				assert.equal(sandbox.registrationSecret() === secret, true, 'the first trigger\'s secret was replaced');
			});
		} finally {
			await t.check('both deactivated: the account is left without a registration', async () => {
				await deactivateQuietly(ctx, plain);
				await deactivateQuietly(ctx, replace);
				if (isForeign(await sandbox.client.registration())) {
					await sandbox.client.api('DELETE', '/v1/clientsPortalLoginChanges', undefined, sandbox.login);
				}
				const none = await registrationWhere(ctx, (r) => r === null, 20_000);
				assert.ok(none, `registration: ${JSON.stringify(await sandbox.client.registration())}`);
			});
			await receiver.close();
		}
		return undefined;
	},
};
