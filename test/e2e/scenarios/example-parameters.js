'use strict';
// Every node of every example, as this n8n line stored it on import, has parameters its installed
// node type accepts: what the editor would mark (n8n-workflow's NodeHelpers against the types the
// line serves), an option value it does not offer, or a parameter it drops. Credentials of other
// services (Salesforce, Xero, ...) are the one thing an example may lack: the user picks their own.
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { lineWorkflowLibrary, nodeIssues } = require('../lib/parameter-issues');

/**
 * A PortalDuct Customer > Create node with three defects the check must see, so a pass below means
 * something: a required field emptied, a misspelt parameter, an If Already Exists that is no option.
 */
const brokenNode = () => ({
	name: 'Broken on purpose',
	type: 'n8n-nodes-portalduct.portalDuct',
	typeVersion: 1,
	position: [0, 0],
	parameters: { resource: 'customer', operation: 'create', customerUUID: '', customerUuid: 'x', name: 'Acme', ifExists: 'maybe' },
	credentials: { portalDuctApi: { id: 'none', name: 'none' } },
});

module.exports = {
	name: 'example-parameters',
	requires: (ctx) => (examples(ctx.repo).length === 0 ? 'examples/ has no workflow JSON yet' : null),
	// Same roles as the `examples` scenario: one import per source serves both.
	workflows: (ctx) => examples(ctx.repo).map((e, i) => ({ role: `example${i + 1}`, ...e })),

	async server(ctx, t) {
		const nodeTypes = ctx.shared.nodeTypes ?? (await ctx.n8n.rest('GET', '/types/nodes.json'));
		const workflowLibrary = lineWorkflowLibrary(ctx.line);

		await t.check('the check sees a required field emptied, a misspelt parameter and an unknown option', () => {
			const { problems } = nodeIssues(workflowLibrary, nodeTypes, brokenNode());
			const text = problems.join('\n');
			assert.match(text, /^customerUUID: .*required/m, text);
			assert.match(text, /^customerUuid: not a parameter/m, text);
			assert.match(text, /^ifExists: "maybe" is not one of/m, text);
		});

		for (const [role, source] of Object.entries(ctx.sources).filter(([r]) => r.startsWith('example'))) {
			await t.check(`${source}: every node's parameters valid for its installed type`, async () => {
				const { data: stored } = await ctx.n8n.rest('GET', `/rest/workflows/${ctx.ids[role]}`);
				const problems = [];
				const missing = [];
				for (const node of stored.nodes) {
					const found = nodeIssues(workflowLibrary, nodeTypes, node);
					problems.push(...found.problems.map((p) => `${node.name} (${node.type} v${node.typeVersion}): ${p}`));
					missing.push(...found.missingCredentials.map((c) => `${node.name}: ${c}`));
				}
				// The only issue allowed, and said so the run's log shows what a user must pick.
				if (missing.length) console.log(`     ${t.prefix} ${source}: credentials to pick: ${missing.join(', ')}`);
				assert.deepEqual(problems, []);
			});
		}
	},
};
