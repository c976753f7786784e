'use strict';
// The installed package as n8n sees it: every node and credential type of the package is listed,
// and the credential is offered to n8n's HTTP Request node as a "predefined credential type".
const assert = require('node:assert/strict');

/**
 * n8n's editor decides what the HTTP Request node's "Credential Type" picker offers from the
 * parameter's `credentialTypes` (["extends:oAuth2Api", "extends:oAuth1Api", "has:authenticate"]):
 * a credential qualifies when it has a listed property (httpHeaderAuth excepted) or extends a
 * listed parent, directly or through its parents. Same rule as the editor's CredentialsSelect.
 */
function offeredBy(credentialTypes, credential, allCredentials) {
	const has = credentialTypes.filter((c) => c.startsWith('has:')).map((c) => c.slice(4));
	const parents = credentialTypes.filter((c) => c.startsWith('extends:')).map((c) => c.slice(8));
	const supported = (cred) => {
		if (!cred) return false;
		for (const property of has) {
			if (cred[property] !== undefined && !(cred.name === 'httpHeaderAuth' && property === 'authenticate')) return true;
		}
		if (cred.extends?.some((p) => parents.includes(p))) return true;
		return (cred.extends ?? []).some((p) => supported(allCredentials.find((c) => c.name === p)));
	};
	return supported(credential);
}

/** The newest HTTP Request node description n8n serves. */
function latestHttpRequestNode(nodeTypes) {
	return nodeTypes
		.filter((n) => n.name === 'n8n-nodes-base.httpRequest')
		.sort((a, b) => Math.max(...[].concat(b.version)) - Math.max(...[].concat(a.version)))[0];
}

module.exports = {
	name: 'node-types',
	requires: () => null,
	workflows: () => [],

	async server(ctx, t) {
		// GET /types/*.json needs the session cookie; n8n serves what the editor loads.
		const nodeTypes = await t.check('GET /types/nodes.json', () => ctx.n8n.rest('GET', '/types/nodes.json'));
		const credentialTypes = await t.check('GET /types/credentials.json', () =>
			ctx.n8n.rest('GET', '/types/credentials.json'),
		);
		if (!nodeTypes || !credentialTypes) return;
		ctx.shared.nodeTypes = nodeTypes;

		await t.check(`every node type of ${ctx.pkg.packageName} is loaded`, () => {
			const listed = new Set(nodeTypes.map((n) => n.name));
			const expected = ctx.pkg.nodes.flatMap((n) => [n.type, ...(n.usableAsTool ? [`${n.type}Tool`] : [])]);
			assert.ok(expected.length > 0, 'package.json lists no nodes (n8n.nodes is empty)');
			const missing = expected.filter((type) => !listed.has(type));
			assert.deepEqual(missing, [], `not loaded: ${missing.join(', ')}`);
		});

		for (const cred of ctx.pkg.credentials) {
			const served = credentialTypes.find((c) => c.name === cred.name);
			await t.check(`credential type ${cred.name} is loaded, with its nodes as supportedNodes`, () => {
				assert.ok(served, `${cred.name} not in /types/credentials.json`);
				const users = ctx.pkg.nodes.filter((n) => n.credentials.includes(cred.name)).map((n) => n.type);
				for (const type of users) assert.ok(served.supportedNodes?.includes(type), `${type} not in supportedNodes`);
			});
			await t.check(`credential type ${cred.name} is offered to the HTTP Request node`, () => {
				assert.ok(served, `${cred.name} not served`);
				const http = latestHttpRequestNode(nodeTypes);
				const picker = http.properties.find((p) => p.name === 'nodeCredentialType');
				assert.ok(picker?.credentialTypes, 'HTTP Request node has no nodeCredentialType.credentialTypes');
				assert.ok(
					offeredBy(picker.credentialTypes, served, credentialTypes),
					`not offered: needs one of ${picker.credentialTypes.join(', ')} (e.g. an \`authenticate\` property)`,
				);
				// n8n adds its domain allow-list to exactly the credentials the HTTP Request node can use.
				assert.ok(served.properties.some((p) => p.name === 'allowedHttpRequestDomains'), 'no allowedHttpRequestDomains');
			});
		}
	},

	offeredBy,
};
